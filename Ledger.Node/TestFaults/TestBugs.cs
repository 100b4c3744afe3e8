namespace Ledger.Node.TestFaults;

/// <summary>
/// TEST ONLY. The one place that decides which <see cref="TestBug"/>s a node runs with: parsed once at
/// start-up from <c>Node:TestBugs</c> (a comma list of <see cref="Names"/>), and refused unless the
/// environment variable <see cref="EnableVariable"/> is <c>1</c>, so no configuration file alone can turn
/// a production node into a broken one. Each injection point is one <c>if</c> on <see cref="IsOn"/>.
/// </summary>
public sealed class TestBugs
{
    /// <summary>The environment variable that must be <c>1</c> for <c>Node:TestBugs</c> to be accepted.</summary>
    public const string EnableVariable = "LEDGER_ENABLE_TEST_BUGS";

    /// <summary>The configuration key (also <c>LEDGER_Node__TestBugs</c>, <c>--Node:TestBugs=</c>, <c>--test-bugs</c>).</summary>
    public const string OptionName = "Node:TestBugs";

    /// <summary>Each bug's name in <c>Node:TestBugs</c> (and in the chaos harness's <c>--bug</c>).</summary>
    public static readonly IReadOnlyDictionary<string, TestBug> Names = new Dictionary<string, TestBug>(StringComparer.Ordinal)
    {
        ["ack-before-commit"] = TestBug.AckBeforeCommit,
        ["skip-raft-fsync"] = TestBug.SkipRaftFsync,
        ["local-read-as-linearizable"] = TestBug.LocalReadAsLinearizable,
        ["apply-twice-after-restart"] = TestBug.ApplyTwiceAfterRestart,
    };

    /// <summary>No planted bug: every node outside a chaos run.</summary>
    public static readonly TestBugs None = new(TestBug.None);

    private TestBugs(TestBug active) => Active = active;

    public TestBug Active { get; }

    public bool Any => Active != TestBug.None;

    public bool IsOn(TestBug bug) => (Active & bug) == bug && bug != TestBug.None;

    /// <summary>The active bugs' names, comma separated ("" when none).</summary>
    public override string ToString() =>
        string.Join(",", Names.Where(pair => IsOn(pair.Value)).Select(pair => pair.Key));

    /// <summary>
    /// Parses <paramref name="configured"/> (the <c>Node:TestBugs</c> value); <paramref name="enableVariableValue"/> is
    /// the value of <see cref="EnableVariable"/> (null when unset). Throws <see cref="InvalidOperationException"/>
    /// (one line, for the start-up message) for an unknown name or when the variable is not <c>1</c>.
    /// </summary>
    public static TestBugs Parse(string? configured, string? enableVariableValue)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return None;
        }

        var active = TestBug.None;
        foreach (var part in configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Names.TryGetValue(part, out var bug))
            {
                throw new InvalidOperationException($"{OptionName}: unknown test bug '{part}'; known: {string.Join(", ", Names.Keys)}");
            }

            active |= bug;
        }

        if (active == TestBug.None)
        {
            return None;
        }

        if (enableVariableValue != "1")
        {
            throw new InvalidOperationException(
                $"{OptionName} is set ('{configured}'): planted bugs make this node lose or corrupt data on purpose and exist only for chaos tests; " +
                $"set the environment variable {EnableVariable}=1 to run with them, or remove {OptionName}");
        }

        return new TestBugs(active);
    }

    /// <summary>Parses with <see cref="EnableVariable"/> read from this process's environment.</summary>
    public static TestBugs FromEnvironment(string? configured) =>
        Parse(configured, Environment.GetEnvironmentVariable(EnableVariable));
}
