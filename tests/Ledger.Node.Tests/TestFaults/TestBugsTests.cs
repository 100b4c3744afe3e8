using Ledger.Node.Hosting;
using Ledger.Node.TestFaults;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.TestFaults;

/// <summary>Planted bugs are off unless both the configuration names them and the environment allows them.</summary>
[NonParallelizable]
public sealed class TestBugsTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase(" , ")]
    public void Parse_NothingConfigured_NoBugEvenWithTheVariableSet(string? configured)
    {
        var bugs = TestBugs.Parse(configured, "1");

        Assert.That((bugs.Any, bugs.Active), Is.EqualTo((false, TestBug.None)));
    }

    [Test]
    public void Parse_CommaListWithTheVariable_EachNamedBugOnAndNoOther()
    {
        var bugs = TestBugs.Parse("ack-before-commit, apply-twice-after-restart", "1");

        Assert.Multiple(() =>
        {
            Assert.That(bugs.IsOn(TestBug.AckBeforeCommit), Is.True);
            Assert.That(bugs.IsOn(TestBug.ApplyTwiceAfterRestart), Is.True);
            Assert.That(bugs.IsOn(TestBug.SkipRaftFsync), Is.False);
            Assert.That(bugs.IsOn(TestBug.LocalReadAsLinearizable), Is.False);
            Assert.That(bugs.ToString(), Is.EqualTo("ack-before-commit,apply-twice-after-restart"));
        });
    }

    [Test]
    public void Parse_EveryName_MapsToItsOwnBug()
    {
        foreach (var (name, bug) in TestBugs.Names)
        {
            Assert.That(TestBugs.Parse(name, "1").Active, Is.EqualTo(bug), name);
        }

        Assert.That(TestBugs.Names.Values.Distinct().Count(), Is.EqualTo(Enum.GetValues<TestBug>().Length - 1), "every bug has one name");
    }

    [TestCase(null)]
    [TestCase("0")]
    [TestCase("true")]
    public void Parse_BugWithoutTheVariableSetToOne_RefusesNamingTheVariable(string? variable)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => TestBugs.Parse("skip-raft-fsync", variable));

        Assert.That(refused!.Message, Does.Contain(TestBugs.EnableVariable + "=1").And.Contain("Node:TestBugs"));
    }

    [Test]
    public void Parse_UnknownName_RefusesListingTheKnownOnes()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => TestBugs.Parse("ack-before-commit,fsync-off", "1"));

        Assert.That(refused!.Message, Does.Contain("'fsync-off'").And.Contain("skip-raft-fsync"));
    }

    [Test]
    public async Task RunAsync_TestBugsWithoutTheEnvironmentVariable_ExitsWithOneLineAndNoStackTrace()
    {
        using var consortium = new TestConsortium(1);
        var previous = Environment.GetEnvironmentVariable(TestBugs.EnableVariable);
        Environment.SetEnvironmentVariable(TestBugs.EnableVariable, null);
        var error = new StringWriter();
        var originalError = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = await NodeProgram.RunAsync(consortium.ArgumentsFor(0, ["--test-bugs=ack-before-commit"]));
        }
        finally
        {
            Console.SetError(originalError);
            Environment.SetEnvironmentVariable(TestBugs.EnableVariable, previous);
        }

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitConfiguration));
            Assert.That(lines, Has.Length.EqualTo(1), error.ToString());
            Assert.That(lines[0], Does.StartWith("ledger-node: Node:TestBugs is set").And.Contain("LEDGER_ENABLE_TEST_BUGS=1"));
            Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[0].DataDirectory, "db")), Is.False, "refused before any storage is opened");
        });
    }

    [Test]
    public async Task RunAsync_ClockOffsetBeyondItsBound_ExitsWithOneLineNamingTheOption()
    {
        using var consortium = new TestConsortium(1);
        var error = new StringWriter();
        var originalError = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = await NodeProgram.RunAsync(consortium.ArgumentsFor(0, [$"--clock-offset-ms={SkewedTimeProvider.OffsetMillisecondsMax + 1}"]));
        }
        finally
        {
            Console.SetError(originalError);
        }

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitConfiguration));
            Assert.That(error.ToString().Trim(), Does.StartWith("ledger-node: Node:ClockOffsetMilliseconds must be within"));
        });
    }
}
