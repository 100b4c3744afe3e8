namespace Ledger.Fuzz.Tests;

/// <summary>A short run of the peer-frame fuzzer against a live 3-node cluster (the long run is the console's).</summary>
[TestFixture]
[NonParallelizable]
public sealed class PeerFrameFuzzerTests
{
    [Test]
    public async Task RunAsync_ThreeThousandMutatedFrames_NoNodeFaultsAndTheClusterStillCommits()
    {
        var result = await PeerFrameFuzzer.RunAsync(cases: 3_000, seed: 14, TestContext.Progress);

        Assert.Multiple(() =>
        {
            Assert.That(result.PeerFrames, Is.EqualTo(3_000));
            Assert.That(result.NodeFaults, Is.Zero);
            Assert.That(result.ClusterCommitsAfter, Is.EqualTo(5));
            Assert.That(result.FramesRefused, Is.GreaterThan(0), "the boundary saw and refused malformed frames");
        });
        TestContext.Progress.WriteLine(result.ClosingLine);
    }

    [Test]
    public async Task RunAsync_OneHostilePeerForgesRecoveryClaimsToBothOthers_TheClusterElectsAndCommitsAfterTheAttack()
    {
        var result = await PeerFrameFuzzer.RunAsync(cases: 2_000, seed: 16, TestContext.Progress, PeerFuzzMode.RecoveryClaims);

        Assert.Multiple(() =>
        {
            Assert.That(result.PeerFrames, Is.EqualTo(2_000));
            Assert.That(result.NodeFaults, Is.Zero);
            Assert.That(result.ClusterCommitsAfter, Is.EqualTo(5), "the honest nodes elect and commit once the forged claims stop");
            Assert.That(result.FramesRefused, Is.GreaterThan(0), "claims of impossible terms were refused at the boundary");
        });
        TestContext.Progress.WriteLine(result.ClosingLine);
    }
}
