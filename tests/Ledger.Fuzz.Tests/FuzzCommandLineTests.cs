namespace Ledger.Fuzz.Tests;

public sealed class FuzzCommandLineTests
{
    [TestCase]
    [TestCase("nonsense")]
    public void Run_WithoutAKnownFuzzer_PrintsUsageAndExitsTwo(params string[] args)
    {
        using var error = new StringWriter();

        var exitCode = FuzzCommandLine.Run(args, error);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain(FuzzCommandLine.Usage));
    }
}
