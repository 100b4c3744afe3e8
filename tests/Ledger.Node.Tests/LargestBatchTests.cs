using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Node.Configuration;
using Ledger.Node.Tests.Support;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;

namespace Ledger.Node.Tests;

/// <summary>
/// The largest BatchRegister the registry accepts must get through every hop of a default-configured
/// cluster: the door, a follower's forward to the leader, and Raft appends to followers. Before the peer
/// bounds were derived from the batch bound, an append of one such entry was refused by the followers'
/// gRPC servers over and over, and replication stalled for good.
/// </summary>
[NonParallelizable]
public sealed class LargestBatchTests
{
    [Test]
    public void DefaultBounds_AdmitTheLargestBatchTheRegistryAccepts_AndPeersReceiveWhatTheLeaderSends()
    {
        var options = new NodeOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.TransactionBytesMax, Is.GreaterThanOrEqualTo(RegistryLimits.BatchItemsBytesMax + RegistryLimits.TransactionBodyBytesMax + 1024));
            Assert.That(options.Batching.BatchBytesMax, Is.GreaterThanOrEqualTo(options.TransactionBytesMax));
            Assert.That(options.PeerMessageBytesMax, Is.GreaterThan(options.RaftAppendBytesMax + (4_096 * 32)),
                "an append of a whole batch plus per-entry framing fits what a peer receives");
        });
    }

    [Test]
    public void BatchBoundBeyondWhatPeerChannelsCarry_IsRefusedAtStartUp()
    {
        var options = new NodeOptions();
        options.Batching.BatchBytesMax = NodeOptions.PeerChannelMessageBytesMax;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Batching:BatchBytesMax"));
    }

    [Test]
    public async Task ThreeNodes_TheLargestBatchThroughAFollower_CommitsOnEveryNode()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var largest = Batch(cluster.Consortium, RegistryLimits.BatchItemsMax);
        Assert.That(largest.CalculateSize(), Is.GreaterThan(10 * 1024 * 1024), "the test batch is near the registry's bound");
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);

        var answer = await SubmitAsync(follower, largest);
        await cluster.WaitForHeightAsync(answer.Receipt.BlockHeight, TimeSpan.FromMinutes(1));

        Assert.That(answer.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), answer.Receipt.Result.Reason);
        AssertEveryNodeHolds(cluster, answer);
    }

    [Test]
    public async Task FollowerCatchingUp_OnAnAppendOfSeveralLargeBatches_ReceivesItAndCatchesUp()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        // Two of these fit one append (the batch bound) but not a peer message bounded by one transaction.
        var large = new[] { Batch(cluster.Consortium, 60_000), Batch(cluster.Consortium, 60_000) };
        Assert.That(2 * large[0].CalculateSize(), Is.GreaterThan(new NodeOptions().TransactionBytesMax + (64 * 1024)));
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var lagging = cluster.Nodes.First(n => n != leader);
        await lagging.StopAsync();

        var answers = new[] { await SubmitAsync(leader, large[0]), await SubmitAsync(leader, large[1]) };
        await lagging.StartAsync();
        await cluster.WaitForHeightAsync(answers[1].Receipt.BlockHeight, TimeSpan.FromMinutes(1));

        foreach (var answer in answers)
        {
            Assert.That(answer.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), answer.Receipt.Result.Reason);
            AssertEveryNodeHolds(cluster, answer);
        }
    }

    private static void AssertEveryNodeHolds(TestCluster cluster, SubmitResponse answer)
    {
        foreach (var node in cluster.Nodes)
        {
            Assert.That(node.Node.Blocks.FindTransaction(answer.Receipt.TxHash.Span), Is.Not.Null, $"{node.PublicUrl} holds the batch");
        }
    }

    // As a client would: the same signed transaction again while the node answers Unavailable (an
    // election on a busy machine); resubmission is idempotent, so each batch is recorded once.
    private static async Task<SubmitResponse> SubmitAsync(InProcessNode node, SignedTransaction transaction)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return await node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: deadline);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    // Items with 64-byte item ids and perceptual hashes (111 bytes each, the largest): 100,000 of them
    // are 11.1 MB of detached items, within the registry's 12 MiB BatchItemsBytesMax.
    private static SignedTransaction Batch(TestConsortium consortium, int itemCount)
    {
        var items = new BatchItem[itemCount];
        var hash = new byte[RegistryLimits.HashBytes];
        for (var i = 0; i < items.Length; i++)
        {
            RandomNumberGenerator.Fill(hash);
            items[i] = new BatchItem
            {
                ContentSha256 = ByteString.CopyFrom(hash),
                ItemId = i.ToString("D64", System.Globalization.CultureInfo.InvariantCulture),
                PerceptualHash = (ulong)i * 0x9E3779B97F4A7C15UL,
            };
        }

        return consortium.BatchRegister(items, BatchMerkleRoot.Compute(Sha256HashAlgorithm.Instance, items, Environment.ProcessorCount));
    }
}
