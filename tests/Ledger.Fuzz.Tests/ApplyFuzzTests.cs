using Ledger.Fuzz.Apply;

namespace Ledger.Fuzz.Tests;

/// <summary>
/// A short run of the apply fuzzer in CI: every transaction type, validly signed over mutated bodies
/// (and some with bad signatures, replayed nonces, damaged envelopes), through the door and the rules
/// of two replicas. The full run is <c>dotnet run -c Release --project tests/Ledger.Fuzz -- apply --cases 1000000</c>.
/// </summary>
public sealed class ApplyFuzzTests
{
    [TestCase(1L)]
    [TestCase(20261206L)]
    public void Execute_AShortRun_FindsNoExceptionNoDivergenceAndNoReasonBeyondItsBound(long seed)
    {
        var summary = ApplyFuzzRun.Execute(cases: 1_500, seed: seed);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Finding, Is.Null);
            Assert.That(summary.ClosingLine, Is.EqualTo("fuzz_cases=1500 apply_exceptions=0 root_divergences=0"));
            Assert.That(summary.Accepted, Is.GreaterThan(60), "enough cases pass every rule to build state for the others");
            Assert.That(summary.RulesRejected, Is.GreaterThan(600), "most cases are hostile");
            Assert.That(summary.DoorRefused, Is.GreaterThan(300), "the door refuses what it can");
        });
    }

    [Test]
    public void Execute_TheSameSeedTwice_GivesTheSameCounts()
    {
        var first = ApplyFuzzRun.Execute(cases: 400, seed: 7);
        var second = ApplyFuzzRun.Execute(cases: 400, seed: 7);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Run_AShortRun_PrintsExactlyTheClosingLineAndExitsZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = ApplyFuzzCommand.Run(["--cases", "200", "--seed", "3"], output, error);

        Assert.That(exitCode, Is.EqualTo(0), error.ToString());
        Assert.That(output.ToString(), Is.EqualTo($"fuzz_cases=200 apply_exceptions=0 root_divergences=0{Environment.NewLine}"));
    }

    [Test]
    public void Run_AnUnknownArgument_IsAUsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.That(ApplyFuzzCommand.Run(["--bogus"], output, error), Is.EqualTo(2));
    }
}
