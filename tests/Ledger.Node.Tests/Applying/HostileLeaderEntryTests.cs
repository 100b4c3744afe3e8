using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;
using Ledger.Node.Tests.Support;
using Ledger.Registry.Applying;

namespace Ledger.Node.Tests.Applying;

/// <summary>
/// A leader (a hostile operator, or a bug) can put anything into the log: the door is a filter, not
/// the guarantee. These tests propose straight into Raft, past the door, and check that every node
/// records the same verdict, never applies what no member signed, and never halts — also after a
/// restart, which replays nothing into a fault.
/// </summary>
[NonParallelizable]
public sealed class HostileLeaderEntryTests
{
    [Test]
    public async Task Propose_PastTheDoor_UndecodableUnsignedAndForgedTransactions_AreRejectedOnEveryNode_AndTheClusterKeepsCommitting()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var consortium = cluster.Consortium;
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
        var genuine = consortium.RegisterWork();
        var nonCanonical = Swapped(consortium.RegisterWork());
        var unsigned = new SignedTransaction { Envelope = consortium.RegisterWork().Envelope };
        var toForge = consortium.RegisterWork();
        var forged = new SignedTransaction
        {
            Envelope = toForge.Envelope,
            Signature = ByteString.CopyFrom(SigningInput.Sign(consortium.Court, SigningContexts.TransactionSignature, consortium.ChainId, toForge.Envelope.Span)),
        };
        byte[][] committed = [garbage, nonCanonical, TransactionHashing.EncodeLeaf(unsigned), TransactionHashing.EncodeLeaf(forged), TransactionHashing.EncodeLeaf(genuine)];

        var notABatch = await leader.Node.Driver.ProposeAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, CancellationToken.None);
        var hostileBatch = await leader.Node.Driver.ProposeAsync(EntryBatchCodec.Encode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), leader.Node.NodeId, committed), CancellationToken.None);
        var after = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        await cluster.WaitForHeightAsync(after.Receipt.BlockHeight);

        Assert.That(notABatch, Is.Null, "appended");
        Assert.That(hostileBatch, Is.Null, "appended");
        Assert.That(after.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), "the cluster keeps committing");
        var hash = leader.Node.Chain.Hash;
        var expected = new (byte[] Hash, string Reason)[]
        {
            (TransactionHashing.ComputeHash(hash, new SignedTransaction { Envelope = ByteString.CopyFrom(garbage) }), nameof(RejectionReason.MalformedTransaction)),
            (TransactionHashing.ComputeHash(hash, new SignedTransaction { Envelope = ByteString.CopyFrom(nonCanonical) }), nameof(RejectionReason.NonCanonicalEncoding)),
            (TransactionHashing.ComputeHash(hash, unsigned), nameof(RejectionReason.BadSignature)),
            (TransactionHashing.ComputeHash(hash, forged), nameof(RejectionReason.BadSignature)),
        };
        foreach (var node in cluster.Nodes)
        {
            Assert.That(node.Node.Driver.Fault, Is.Null, $"{node.Node.NodeId} faulted");
            foreach (var (txHash, reason) in expected)
            {
                var stored = node.Node.Blocks.FindTransaction(txHash);
                Assert.That(stored, Is.Not.Null, $"{node.Node.NodeId} did not record {reason}");
                Assert.That(stored!.Result.Code, Is.EqualTo(ResultCode.Rejected));
                Assert.That(stored.Result.Reason, Does.StartWith(reason + ":"), $"{node.Node.NodeId}");
            }

            var accepted = node.Node.Blocks.FindTransaction(TransactionHashing.ComputeHash(hash, genuine));
            Assert.That(accepted?.Result.Code, Is.EqualTo(ResultCode.Ok), "the signed transaction of the same batch is applied");
            Assert.That(node.Node.Metrics.UnreadableEntries.Value, Is.EqualTo(1), $"{node.Node.NodeId} counts the entry that was not a batch");
        }

        AssertIdenticalChains(cluster, after.Receipt.BlockHeight);

        // A restart finds nothing to fault on, and the cluster goes on.
        foreach (var node in cluster.Nodes)
        {
            await node.StopAsync();
            await node.StartAsync();
        }

        var newLeader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var afterRestart = await newLeader.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        await cluster.WaitForHeightAsync(afterRestart.Receipt.BlockHeight);
        Assert.That(afterRestart.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok));
        Assert.That(cluster.Nodes.Select(n => n.Node.Driver.Fault), Has.All.Null);
        AssertIdenticalChains(cluster, afterRestart.Receipt.BlockHeight);
    }

    [Test]
    public async Task Propose_PastTheDoor_BatchesWhoseDetachedItemsAreNotTheSignedOnes_AreRejectedMalformedOnEveryNode()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var consortium = cluster.Consortium;
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        var items = Enumerable.Range(0, 3).Select(i => new BatchItem { ContentSha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), ItemId = $"sku-{i}" }).ToArray();
        var root = Ledger.Registry.Batches.BatchMerkleRoot.Compute(leader.Node.Chain.Hash, items, 1);
        var wrongCount = consortium.BatchRegister(items, root, itemCount: 4);
        var swappedItems = consortium.BatchRegister(items, root);
        // A relay replaces the signed items with others: the hash (envelope and signature) is unchanged.
        swappedItems.DetachedItems = new BatchItems { Items = { items[0], items[1], items[0] } }.ToByteString();
        var missingItems = consortium.BatchRegister(items, root);
        missingItems.DetachedItems = ByteString.Empty;
        var genuine = consortium.BatchRegister(items, root);
        SignedTransaction[] proposed = [wrongCount, swappedItems, missingItems, genuine];

        var entry = await leader.Node.Driver.ProposeAsync(EntryBatchCodec.Encode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), leader.Node.NodeId, proposed.Select(TransactionHashing.EncodeCanonical).ToList()), CancellationToken.None);
        var after = await SubmitThroughElectionsAsync(cluster, consortium.RegisterWork());
        await cluster.WaitForHeightAsync(after.Receipt.BlockHeight);

        Assert.That(entry, Is.Null, "appended");
        var hash = leader.Node.Chain.Hash;
        foreach (var node in cluster.Nodes)
        {
            Assert.That(node.Node.Driver.Fault, Is.Null, $"{node.Node.NodeId} faulted");
            foreach (var bad in proposed[..3])
            {
                var stored = node.Node.Blocks.FindTransaction(TransactionHashing.ComputeHash(hash, bad));
                Assert.That(stored?.Result.Code, Is.EqualTo(ResultCode.Rejected), $"{node.Node.NodeId}");
                Assert.That(stored!.Result.Reason, Does.StartWith(nameof(RejectionReason.MalformedTransaction) + ":"), $"{node.Node.NodeId}");
                Assert.That(stored.Result.ItemOutcomesRoot.IsEmpty, Is.True);
            }

            var accepted = node.Node.Blocks.FindTransaction(TransactionHashing.ComputeHash(hash, genuine));
            Assert.That(accepted?.Result.Code, Is.EqualTo(ResultCode.Ok), accepted?.Result.Reason);
            Assert.That(accepted!.Result.ItemOutcomesRoot.Length, Is.EqualTo(32), "the accepted batch's result commits to its items' outcomes");
            Assert.That(accepted.Transaction.DetachedItems, Is.EqualTo(genuine.DetachedItems), "the node keeps the full bytes, items included");
        }

        AssertIdenticalChains(cluster, after.Receipt.BlockHeight);
    }

    [Test]
    public async Task Submit_ToTheLeader_EveryNodeChecksEachSignature_TheLeaderAtItsDoor_FollowersAheadOfApply()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
        const int Submissions = 20;

        ulong height = 0;
        for (var i = 0; i < Submissions; i++)
        {
            height = (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.BlockHeight;
        }

        await cluster.WaitForHeightAsync(height);
        var checks = leader.Node.Metrics.SignatureChecks;
        Assert.That(checks.WithLabels("door").Value, Is.EqualTo(Submissions));
        Assert.That(checks.WithLabels("preverify").Value + checks.WithLabels("apply").Value, Is.Zero, "the leader reuses its door's verdicts");
        foreach (var follower in cluster.Nodes.Where(n => n != leader))
        {
            var followerChecks = follower.Node.Metrics.SignatureChecks;
            Assert.That(followerChecks.WithLabels("preverify").Value + followerChecks.WithLabels("apply").Value, Is.EqualTo(Submissions), $"{follower.Node.NodeId} checks every signature once");
            Assert.That(followerChecks.WithLabels("preverify").Value, Is.GreaterThan(0), $"{follower.Node.NodeId} checks ahead of apply");
        }
    }

    // A busy test machine may hold an election right after the proposal: the same transaction is
    // resubmitted (idempotent) to whichever node leads until one answers.
    private static async Task<SubmitResponse> SubmitThroughElectionsAsync(TestCluster cluster, SignedTransaction transaction)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync();
            try
            {
                return await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: deadline);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static byte[] Swapped(SignedTransaction transaction)
    {
        // Signature field first, then the envelope: parses to the same transaction, not its canonical bytes.
        var signatureFirst = new SignedTransaction { Signature = transaction.Signature }.ToByteArray();
        var envelopeOnly = new SignedTransaction { Envelope = transaction.Envelope }.ToByteArray();
        return [.. signatureFirst, .. envelopeOnly];
    }

    private static void AssertIdenticalChains(TestCluster cluster, ulong height)
    {
        for (ulong h = 1; h <= height; h++)
        {
            var blocks = cluster.Nodes.Select(n => Convert.ToHexString(n.Node.Blocks.GetBlock(h)!.ToByteArray())).Distinct().ToList();
            Assert.That(blocks, Has.Count.EqualTo(1), $"nodes disagree on block {h}");
        }
    }
}
