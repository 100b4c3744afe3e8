using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

[NonParallelizable]
public sealed class ClusterTests
{
    [Test]
    public async Task ThreeNodes_WithMutualTls_SubmitThroughAFollower_EveryNodeBuildsTheSameChain()
    {
        await using var cluster = await TestCluster.StartAsync(3, withTls: true);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);

        var receipts = new List<Receipt>();
        for (var i = 0; i < 20; i++)
        {
            var response = await follower.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
            receipts.Add(response.Receipt);
        }

        var height = receipts.Max(r => r.BlockHeight);
        await cluster.WaitForHeightAsync(height);
        Assert.That(receipts.All(r => r.Result.Code == ResultCode.Ok), Is.True);
        for (ulong h = 1; h <= height; h++)
        {
            var hashes = cluster.Nodes.Select(n => Convert.ToHexString(n.Node.Blocks.GetBlock(h)!.ToByteArray())).Distinct().ToList();
            Assert.That(hashes, Has.Count.EqualTo(1), $"nodes disagree on block {h}");
        }
    }

    [Test]
    public async Task ThreeNodes_BlocksBecomeCertifiedByAQuorumOfNodeSignatures()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });

        CertifiedHeader? certified = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (certified is null && DateTime.UtcNow < deadline)
        {
            certified = leader.Node.Collector.GetCertified(response.Receipt.BlockHeight);
            await Task.Delay(20);
        }

        Assert.That(certified, Is.Not.Null, "the block was never certified");
        var hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
        var valid = certified!.Attestations.Count(a =>
            cluster.Consortium.Nodes.Any(n => n.NodeId == a.NodeId && BlockAttestations.Verify(n.Key.Public, a, certified.Header, hash)));
        Assert.That(valid, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task LeaderStopped_RemainingNodesElectANewLeader_AndKeepEveryAcknowledgedTransaction()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var acknowledged = new List<ByteString>();
        for (var i = 0; i < 10; i++)
        {
            acknowledged.Add((await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.TxHash);
        }

        await leader.StopAsync();
        var newLeader = await cluster.WaitForLeaderAsync();
        Assert.That(newLeader, Is.Not.SameAs(leader));
        acknowledged.Add(await SubmitRetryingWhileUnavailableAsync(cluster, cluster.Consortium.RegisterWork()));

        foreach (var node in cluster.Nodes.Where(n => n.IsRunning))
        {
            foreach (var txHash in acknowledged)
            {
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (node.Node.Blocks.FindTransaction(txHash.Span) is null && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }

                Assert.That(node.Node.Blocks.FindTransaction(txHash.Span), Is.Not.Null, $"{node.Node.NodeId} lost an acknowledged transaction");
            }
        }
    }

    [Test]
    public async Task StoppedFollower_RestartsAndCatchesUpFromTheLeadersLog()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await follower.StopAsync();

        ulong height = 0;
        for (var i = 0; i < 30; i++)
        {
            height = (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.BlockHeight;
        }

        await follower.StartAsync();
        await cluster.WaitForHeightAsync(height);

        Assert.That(follower.Node.Blocks.GetBlockHash(height), Is.EqualTo(leader.Node.Blocks.GetBlockHash(height)));
    }

    [Test]
    public async Task LeaderLosesQuorum_AppendedSubmissionWaitsForItsEntrysFate_NewOnesAreRefusedAtOnce_NoneRunsOutItsDeadline()
    {
        // A 3 s election timeout: long enough that the leader is still leader when the followers are down
        // and the submission arrives, however slow stopping them is on a loaded machine.
        using var consortium = new TestConsortium(3);
        var nodes = Enumerable.Range(0, 3)
            .Select(i => new InProcessNode(consortium.ArgumentsFor(i, ["--Node:ElectionTicks=150"]), consortium.Nodes[i].PublicUrl))
            .ToList();
        try
        {
            await RunLeaderLosesQuorumAsync(consortium, nodes);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task RunLeaderLosesQuorumAsync(TestConsortium consortium, List<InProcessNode> nodes)
    {
        foreach (var node in nodes)
        {
            await node.StartAsync();
        }

        InProcessNode? leader = null;
        await Eventually.WaitUntilAsync(() => (leader = nodes.FirstOrDefault(n => n.Node.RaftStatus.Role == Ledger.Consensus.RaftRole.Leader)) is not null);
        var followers = nodes.Where(n => n != leader).ToList();
        foreach (var follower in followers)
        {
            await follower.StopAsync();
        }

        // Appended to the isolated leader's log, cannot commit yet.
        var appended = leader!.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        await Eventually.WaitUntilAsync(() => leader.Node.PendingReceipts.TrackedBatches >= 1);
        await Eventually.WaitUntilAsync(() => leader.Node.RaftStatus.Role != Ledger.Consensus.RaftRole.Leader);

        var refused = Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await leader.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30)));
        Assert.That(refused!.StatusCode, Is.EqualTo(Grpc.Core.StatusCode.Unavailable), "a submission with no leader to reach is refused at once");
        Assert.That(appended.IsCompleted, Is.False, "the appended entry may still commit: its submitter keeps waiting after the step-down");

        foreach (var follower in followers)
        {
            await follower.StartAsync();
        }

        // Either the old leader wins again and the entry commits, or another node leads and overwrites it:
        // the submitter learns which as soon as the old leader applies that index, not at its deadline.
        var outcome = Grpc.Core.StatusCode.OK;
        try
        {
            await appended;
        }
        catch (Grpc.Core.RpcException e)
        {
            outcome = e.StatusCode;
        }

        Assert.That(outcome, Is.AnyOf(Grpc.Core.StatusCode.OK, Grpc.Core.StatusCode.Unavailable));
    }

    /// <summary>Like a real client: a just-elected leader may still be settling (Unavailable); retry the same signed transaction.</summary>
    private static async Task<ByteString> SubmitRetryingWhileUnavailableAsync(TestCluster cluster, SignedTransaction transaction)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync();
            try
            {
                return (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction })).Receipt.TxHash;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
