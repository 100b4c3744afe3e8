using Grpc.Core;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

/// <summary>
/// Time is vouched for by a quorum, not taken on one operator's word: a leader whose clock is wrong
/// cannot get its stamp committed or certified, and a node that finds a block's time implausible by its
/// own clock (or is catching up on old blocks) applies it but does not attest it.
/// </summary>
[NonParallelizable]
public sealed class BlockTimeClusterTests
{
    private const long BoundMilliseconds = ConsortiumGenesis.BlockTimeSkewMillisecondsDefault;

    [Test]
    public async Task LeaderClockAYearAhead_ItsStampNeverCommits_TheTransactionIsCertifiedAtTheRealTimeByTheOthers()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var skewed = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        await skewed.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
        skewed.Clock.Offset = TimeSpan.FromDays(365);
        var transaction = cluster.Consortium.RegisterWork();

        try
        {
            // The skewed leader stamps it a year ahead.
            await skewed.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(5));
        }
        catch (RpcException)
        {
            // Timed out or answered Unavailable once the leader lost its followers: its stamp did not commit.
        }

        var receipt = await SubmitUntilAppliedAsync(cluster, transaction);
        var certified = await WaitForCertifiedAsync(cluster, receipt.BlockHeight);

        var realNow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(receipt.Header.TimestampUnixMs, Is.LessThanOrEqualTo(realNow + BoundMilliseconds), "the transaction carries the real time, not the skewed leader's");
        foreach (var node in cluster.Nodes)
        {
            for (ulong height = 1; height <= node.Node.Blocks.LatestHeight; height++)
            {
                Assert.That(node.Node.Blocks.GetHeader(height)!.TimestampUnixMs, Is.LessThanOrEqualTo(realNow + BoundMilliseconds), $"{node.Node.NodeId} block {height}: no forward-dated block in any chain");
            }
        }

        Assert.That(certified.Attestations.Select(a => a.NodeId), Does.Not.Contain(skewed.Node.NodeId), "the skewed node does not vouch for a time a year behind its clock");
        var refusals = cluster.Nodes.Where(n => n != skewed).Select(n => n.Node.EntryTimeCheck.LastRefusal ?? "").ToList();
        Assert.That(refusals, Has.Some.Contains("ahead of this node's clock"), "the followers say why they stopped following");
    }

    [Test]
    public async Task FollowerFindingBlockTimesOld_AppliesThemWithoutAttesting_AQuorumStillCertifies()
    {
        // A node whose clock reads later than the block times sees what a node catching up after a restart
        // sees: old blocks. It must keep applying them; it just does not vouch for their time.
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var late = cluster.Nodes.First(n => n != leader);
        late.Clock.Offset = TimeSpan.FromMinutes(10);

        var receipt = await SubmitUntilAppliedAsync(cluster, cluster.Consortium.RegisterWork());
        await cluster.WaitForHeightAsync(receipt.BlockHeight);
        var certified = await WaitForCertifiedAsync(cluster, receipt.BlockHeight);
        await late.Node.AttestationWorker.DrainAsync(CancellationToken.None);

        Assert.That(late.Node.Blocks.LatestHeight, Is.GreaterThanOrEqualTo(receipt.BlockHeight));
        Assert.That(certified.Attestations.Select(a => a.NodeId), Does.Not.Contain(late.Node.NodeId));
        Assert.That(late.Node.Attestations.Get(receipt.BlockHeight).Select(a => a.NodeId), Does.Not.Contain(late.Node.NodeId), "the late node signed nothing for this block");
        Assert.That(late.Node.Metrics.BlockTimeRefusals.WithLabels("attestation").Value, Is.GreaterThanOrEqualTo(1));
    }

    /// <summary>Resubmits the same signed transaction to whichever node leads until it is applied (a retry of an applied one answers where it is).</summary>
    private static async Task<Receipt> SubmitUntilAppliedAsync(TestCluster cluster, SignedTransaction transaction)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync();
            try
            {
                return (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(3))).Receipt;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<CertifiedHeader> WaitForCertifiedAsync(TestCluster cluster, ulong height)
    {
        CertifiedHeader? certified = null;
        await Eventually.WaitUntilAsync(() => (certified = cluster.Nodes.Select(n => n.Node.Collector.GetCertified(height)).FirstOrDefault(c => c is not null)) is not null);
        return certified!;
    }
}
