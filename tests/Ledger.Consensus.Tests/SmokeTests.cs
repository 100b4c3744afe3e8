using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests;

public sealed class SmokeTests
{
    [Test]
    public void ThreeNodes_ElectAndReplicate()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Propose(2, "b");
        cluster.Stabilize();
        foreach (var peer in cluster.Peers)
        {
            Assert.That(peer.AppliedData().Select(d => System.Text.Encoding.UTF8.GetString(d)), Is.EqualTo(new[] { "a", "b" }), $"peer {peer.Id}");
        }
    }
}
