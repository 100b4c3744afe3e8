using System.Text.RegularExpressions;
using Ledger.Chaos.Faults;
using Ledger.Chaos.Options;
using Ledger.Chaos.Run;

namespace Ledger.Chaos.Tests.Run;

/// <summary>The harness end to end, short: real node processes with mTLS behind the fault proxies, leader kills, pauses, partitions and link faults, then the check.</summary>
[NonParallelizable]
public sealed partial class ShortRunTests
{
    [Test]
    public async Task RunAsync_TwentySecondsOfFaultsAtALowRate_PassesAndEndsWithTheClosingLine()
    {
        // Arrange
        var options = new ChaosOptions
        {
            Seed = 2026,
            DurationSeconds = 20,
            RatePerSecond = 100,
            FaultKinds = [FaultKind.KillLeader, FaultKind.Pause, FaultKind.Partition, FaultKind.Link],
            FaultIntervalSeconds = 4,
        };
        using var output = new StringWriter();

        // Act
        var result = await ChaosRun.RunAsync(options, output);

        // Assert
        var text = output.ToString();
        await TestContext.Out.WriteLineAsync(text);
        Assert.That(result.ExitCode, Is.EqualTo(ChaosResult.ExitPassed), string.Join(Environment.NewLine, result.Violations));
        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[^1], Does.Match(ClosingLinePattern()));
        Assert.That(lines[^2], Does.StartWith("recovery_ms_p50="));
        Assert.That(result.Closing!.Acked, Is.GreaterThan(0), "registrations were acknowledged");
        Assert.That(result.Closing.Faults, Is.GreaterThan(0), "faults were injected");
        Assert.That(Directory.Exists(result.RunDirectory), Is.False, "a passing run deletes its run directory");
    }

    [GeneratedRegex(@"^chaos_seconds=20 acked=\d+ lost=0 duplicated=0 diverged=0 nonlinearizable=0 faults=\d+ disk_corruptions=0 detected=0 repaired=0$")]
    private static partial Regex ClosingLinePattern();
}
