using Ledger.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.TestFaults;

/// <summary>Start-up warnings for the test-only knobs (event ids 66xx): loud, so a node running with them is never mistaken for a healthy one.</summary>
internal static partial class TestFaultWarnings
{
    /// <summary>Logs each active planted bug and any clock skew; nothing when none is set.</summary>
    public static void LogActive(ILogger logger, TestBugs bugs, NodeOptions options)
    {
        if (bugs.Any)
        {
            LogTestBugs(logger, bugs.ToString(), TestBugs.EnableVariable);
        }

        if (options.ClockOffsetMilliseconds != 0 || options.ClockDriftPpm != 0)
        {
            LogClockSkew(logger, options.ClockOffsetMilliseconds, options.ClockDriftPpm);
        }
    }

    [LoggerMessage(EventId = 6601, Level = LogLevel.Critical, Message = "TEST BUGS ACTIVE: {Bugs} (Node:TestBugs, allowed by {Variable}=1). This node loses, duplicates or misreports data ON PURPOSE for a chaos test. Never run it with real data.")]
    private static partial void LogTestBugs(ILogger logger, string bugs, string variable);

    [LoggerMessage(EventId = 6602, Level = LogLevel.Warning, Message = "TEST CLOCK: this node's clock is skewed by {OffsetMilliseconds} ms with a drift of {DriftPpm} ppm (Node:ClockOffsetMilliseconds, Node:ClockDriftPpm). Chaos tests only.")]
    private static partial void LogClockSkew(ILogger logger, long offsetMilliseconds, int driftPpm);
}
