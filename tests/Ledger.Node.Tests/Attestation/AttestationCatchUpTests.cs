using Grpc.Core;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Attestation;

/// <summary>
/// Issue 15, point 5 ("certified everywhere"): a follower that was down while blocks were certified missed
/// the attestations broadcast for them (and the nodes that queued them for it restarted, or their queue
/// overflowed). After it restarts and catches up on the chain it learns their
/// certification from its peers, so it serves a certified header (evidence) for every one of them.
/// </summary>
[NonParallelizable]
public sealed class AttestationCatchUpTests
{
    private const int BlocksWhileDown = 8;
    private static readonly TimeSpan CertifiedEverywhereTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task FollowerStoppedWhileBlocksWereCertified_AfterRestart_ServesACertifiedHeaderForEveryOne()
    {
        // Arrange: blocks certified by the other two nodes while the follower is down.
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await follower.StopAsync();
        var heights = new List<ulong>();
        for (var i = 0; i < BlocksWhileDown; i++)
        {
            (leader, var height) = await SubmitToTheLeaderAsync(cluster);
            heights.Add(height);
        }

        await Eventually.WaitUntilAsync(() => leader.Node.Collector.CertifiedHeight >= heights[^1]);

        // The other nodes restart too (the leader was killed): the attestations they queued for the
        // follower while it was down are lost with them, as they are when a slow peer's queue overflows.
        foreach (var other in cluster.Nodes.Where(n => n != follower))
        {
            await other.StopAsync();
        }

        foreach (var other in cluster.Nodes.Where(n => n != follower))
        {
            await other.StartAsync();
        }

        // Act: the follower returns; nothing else is submitted, so no new broadcast carries the news.
        await follower.StartAsync();
        leader = await cluster.WaitForLeaderAsync();
        await cluster.WaitForHeightAsync(heights[^1], TimeSpan.FromSeconds(60));
        var missing = await WaitUntilCertifiedAsync(follower, heights);

        // Assert: each header is the block the leader built, signed by a quorum of genuine node keys.
        Assert.That(missing, Is.Empty, $"the follower still answers 'not certified' for these heights after {CertifiedEverywhereTimeout}");
        var hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
        foreach (var height in heights)
        {
            var certified = await follower.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height });
            var leaderHeader = leader.Node.Blocks.GetHeader(height)!;
            Assert.That(BlockHash.Compute(certified.Header, hash), Is.EqualTo(BlockHash.Compute(leaderHeader, hash)), $"block {height}");
            var valid = certified.Attestations.Count(a =>
                cluster.Consortium.Nodes.Any(n => n.NodeId == a.NodeId && BlockAttestations.Verify(n.Key.Public, a, certified.Header, hash)));
            Assert.That(valid, Is.GreaterThanOrEqualTo(2), $"block {height}: attestations that verify");
        }
    }

    [Test]
    public async Task GetCertifiedHeader_HeightNotCertifiedOnThisNode_AnswersTheNotCertifiedStatusWithTheCertifiedHeight()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        var height = (await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.BlockHeight;

        var exception = Assert.ThrowsAsync<RpcException>(async () =>
            await node.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height + 1_000 }));

        Assert.That(exception!.StatusCode, Is.EqualTo(NotCertifiedAnswer.Code));
        Assert.That(NotCertifiedAnswer.Is(exception), Is.True, "the answer carries the certified-height trailer");
    }

    /// <summary>Submits one registration to whichever node leads, retrying while leadership settles after the stop; returns that node and the block height.</summary>
    internal static async Task<(InProcessNode Leader, ulong Height)> SubmitToTheLeaderAsync(TestCluster cluster)
    {
        var transaction = cluster.Consortium.RegisterWork();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync();
            try
            {
                return (leader, (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction })).Receipt.BlockHeight);
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Asks the node's public API for each height until all are certified or the bounded deadline passes; returns the heights still not certified.</summary>
    private static async Task<List<ulong>> WaitUntilCertifiedAsync(InProcessNode node, IReadOnlyList<ulong> heights)
    {
        var deadline = DateTime.UtcNow + CertifiedEverywhereTimeout;
        var missing = heights.ToList();
        while (missing.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var height in missing.ToList())
            {
                try
                {
                    await node.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height });
                    missing.Remove(height);
                }
                catch (RpcException exception) when (NotCertifiedAnswer.Is(exception))
                {
                }
            }

            await Task.Delay(100);
        }

        return missing;
    }
}
