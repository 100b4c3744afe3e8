using Ledger.Chaos.Faults;
using Ledger.Chaos.Options;

namespace Ledger.Chaos.Tests.Options;

public sealed class ChaosCommandLineTests
{
    [Test]
    public void TryParse_MinutesRateSeed_TakesThemAndDefaultsTheRest()
    {
        var parsed = ChaosCommandLine.TryParse(["--minutes", "10", "--rate", "2000", "--seed", "42"], out var options, out var error);

        Assert.That(parsed, Is.True, error);
        Assert.That(options.DurationSeconds, Is.EqualTo(600));
        Assert.That(options.RatePerSecond, Is.EqualTo(2000));
        Assert.That(options.Seed, Is.EqualTo(42));
        Assert.That(options.NodeCount, Is.EqualTo(ChaosOptions.DefaultNodeCount));
        Assert.That(options.FaultKinds, Is.EqualTo(FaultKinds.Default));
        Assert.That(options.Bug, Is.Null);
        Assert.That(options.ScheduleOnly, Is.False);
        Assert.That(options.ClientsThroughProxies, Is.True, "clients go through fault proxies unless told otherwise");
    }

    [Test]
    public void TryParse_DirectClients_ClientsSkipTheProxies()
    {
        var parsed = ChaosCommandLine.TryParse(["--seconds", "20", "--seed", "1", "--direct-clients"], out var options, out var error);

        Assert.That(parsed, Is.True, error);
        Assert.That(options.ClientsThroughProxies, Is.False);
    }

    [Test]
    public void TryParse_SecondsWithMinutes_AddsThem()
    {
        var parsed = ChaosCommandLine.TryParse(["--minutes", "1", "--seconds", "30", "--seed", "1"], out var options, out _);

        Assert.That(parsed, Is.True);
        Assert.That(options.DurationSeconds, Is.EqualTo(90));
    }

    [Test]
    public void TryParse_FaultsBugNodesScheduleOnly_TakesThem()
    {
        var parsed = ChaosCommandLine.TryParse(["--seconds", "20", "--faults", "kill-leader,pause", "--bug", "ack-before-commit", "--nodes", "5", "--schedule-only"], out var options, out var error);

        Assert.That(parsed, Is.True, error);
        Assert.That(options.FaultKinds, Is.EqualTo(new[] { FaultKind.KillLeader, FaultKind.Pause }));
        Assert.That(options.Bug, Is.EqualTo("ack-before-commit"));
        Assert.That(options.NodeCount, Is.EqualTo(5));
        Assert.That(options.ScheduleOnly, Is.True);
    }

    [TestCase(new[] { "--nodes", "9" }, "--nodes must be between 3 and 7")]
    [TestCase(new[] { "--nodes", "2" }, "--nodes must be between 3 and 7")]
    [TestCase(new[] { "--rate", "0" }, "--rate must be between 1 and")]
    [TestCase(new[] { "--seconds", "0" }, "the run length must be between")]
    [TestCase(new[] { "--minutes", "-1" }, "must not be negative")]
    [TestCase(new[] { "--faults", "kill-leader,meteor" }, "unknown fault kind 'meteor'")]
    [TestCase(new[] { "--fault-interval", "0.1" }, "--fault-interval must be between")]
    [TestCase(new[] { "--bug", "rm -rf" }, "is not a planted bug (known: ")]
    [TestCase(new[] { "--rate", "fast" }, "fast")]
    [TestCase(new[] { "--frobnicate" }, "--frobnicate")]
    public void TryParse_BadOption_FailsNamingIt(string[] args, string expected)
    {
        var parsed = ChaosCommandLine.TryParse(args, out _, out var error);

        Assert.That(parsed, Is.False);
        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public async Task Main_BadOption_ExitsWithTheUsageCode()
    {
        var exitCode = await Program.Main(["--nodes", "1"]);

        Assert.That(exitCode, Is.EqualTo(ChaosCommandLine.ExitUsage));
    }

    [Test]
    public void TryParse_NoSeed_PicksOneSoTheRunCanBeReplayed()
    {
        var parsed = ChaosCommandLine.TryParse(["--seconds", "5"], out var options, out _);

        Assert.That(parsed, Is.True);
        Assert.That(options.Seed, Is.GreaterThanOrEqualTo(0));
    }
}
