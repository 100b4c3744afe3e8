using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;

namespace Ledger.Cluster.Tests;

/// <summary>
/// Issue 15, point 5 ("certified everywhere"), as the issue found it on a local cluster: a follower killed
/// while blocks were certified, and the other nodes killed too (so the attestations they had queued for it
/// die with them), keeps those blocks uncertified forever unless it learns their certification from its
/// peers. After it catches up it must serve a certified header — evidence — for every one of them.
/// </summary>
[NonParallelizable]
public sealed class CertifiedEverywhereTests
{
    private const int BlocksWhileDown = 20;
    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CertifiedEverywhereTimeout = TimeSpan.FromSeconds(120);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task FollowerKilledWhileBlocksWereCertified_AfterRestart_ServesACertifiedHeaderForEveryOne()
    {
        // Arrange: blocks certified by the other two nodes while the follower is down.
        cluster = ProcessCluster.Start(3, "--Node:Batching:TransactionsPerBatchMax=1");
        var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
        var follower = cluster.Nodes.First(n => n != leader);
        follower.Kill();
        var heights = new List<ulong>();
        for (var i = 0; i < BlocksWhileDown; i++)
        {
            (leader, var height) = await SubmitToTheLeaderAsync(cluster);
            heights.Add(height);
        }

        Assert.That(await WaitUntilCertifiedAsync(leader, heights), Is.Empty, "the leader certified every block (test precondition)");
        foreach (var other in cluster.Nodes.Where(n => n != follower))
        {
            other.Kill();
        }

        // Act: everyone returns; nothing else is submitted, so no new broadcast carries the news.
        foreach (var node in cluster.Nodes)
        {
            node.Start();
        }

        await cluster.WaitForSameHeightAsync(heights[^1], CatchUpTimeout);
        var missing = await WaitUntilCertifiedAsync(follower, heights);

        // Assert
        Assert.That(missing, Is.Empty, $"{follower.NodeId} still answers 'not certified' after {CertifiedEverywhereTimeout}{Environment.NewLine}{cluster.RecentOutput()}");
        var hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
        foreach (var height in heights)
        {
            var certified = await follower.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height }, deadline: DateTime.UtcNow.AddSeconds(10));
            var valid = certified.Attestations.Count(a =>
                cluster.Consortium.Nodes.Any(n => n.NodeId == a.NodeId && BlockAttestations.Verify(n.Key.Public, a, certified.Header, hash)));
            Assert.That(valid, Is.GreaterThanOrEqualTo(2), $"block {height}: attestations that verify");
        }
    }

    /// <summary>Submits one registration to whichever node leads, retrying while leadership settles; returns that node and the block height.</summary>
    private static async Task<(NodeProcess Leader, ulong Height)> SubmitToTheLeaderAsync(ProcessCluster cluster)
    {
        var transaction = cluster.Consortium.RegisterWork();
        var deadline = DateTime.UtcNow + ElectionTimeout;
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
            try
            {
                var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(10));
                return (leader, response.Receipt.BlockHeight);
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Asks the node for each height until all are certified or the bounded deadline passes; returns the heights still not certified.</summary>
    private static async Task<List<ulong>> WaitUntilCertifiedAsync(NodeProcess node, IReadOnlyList<ulong> heights)
    {
        var deadline = DateTime.UtcNow + CertifiedEverywhereTimeout;
        var missing = heights.ToList();
        while (missing.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var height in missing.ToList())
            {
                try
                {
                    await node.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height }, deadline: DateTime.UtcNow.AddSeconds(5));
                    missing.Remove(height);
                }
                catch (RpcException exception) when (NotCertifiedAnswer.Is(exception) || exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                }
            }

            await Task.Delay(200);
        }

        return missing;
    }
}
