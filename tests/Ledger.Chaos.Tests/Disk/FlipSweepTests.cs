using Ledger.Chaos.Disk;

namespace Ledger.Chaos.Tests.Disk;

/// <summary>The byte-flip sweep end to end over real node processes (issue #16): a short run, the 200-flip figure is the console's.</summary>
[NonParallelizable]
public sealed class FlipSweepTests
{
    /// <summary>Flips in the CI smoke run: enough to hit several file kinds, short enough for the suite.</summary>
    private const int SmokeFlips = 6;

    [Test]
    [CancelAfter(600_000)]
    public async Task RunAsync_FewFlipsOnAFollower_ServesNothingThatDiffersFromAHealthyNodeAndLosesNothingUnnoticed(CancellationToken cancellationToken)
    {
        // Arrange
        using var output = new StringWriter();
        var sweep = new FlipSweep(new FlipSweepOptions { Flips = SmokeFlips, Seed = 16, InitialTransactions = 60 }, output);

        // Act
        var report = await sweep.RunAsync(cancellationToken);
        await TestContext.Out.WriteLineAsync(output.ToString());

        // Assert
        Assert.That(report.Outcomes, Has.Count.EqualTo(SmokeFlips));
        Assert.That(report.Served, Is.Zero, output.ToString());
        // Every flip that lost data was noticed (a quarantine the node's first Status or log reports counts as detected).
        Assert.That(report.Count(FlipCategory.SilentLoss), Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain($"flips={SmokeFlips} ").And.Contain(" served=0"));
    }
}
