using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

public sealed class BatchCommitmentTests
{
    [Test]
    public void BatchRegister_OnTwoFreshStates_GivesTheSameStateRoot_IncludingRejectedItems()
    {
        var roots = new byte[2][];
        for (var run = 0; run < 2; run++)
        {
            var chain = new TestChain(parallelismMax: run + 1);
            chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("known", Sample.Member(Alice)));
            var outcome = chain.Apply(Platform, TransactionType.BatchRegister, ManyItems(3_000, "known", "dup"));
            Assert.That(outcome.Batch!.Rejections, Has.Count.EqualTo(2));
            roots[run] = chain.Queries.StateRoot;
            Assert.That(roots[run], Is.EqualTo(StateCommitment.Recompute(chain.State, chain.Options.Hash)), "incremental root = recomputed root");
        }

        Assert.That(roots[1], Is.EqualTo(roots[0]));
    }

    [Test]
    public void BatchRegister_CommitsOneRootEntryPerBatch_WithTheAcceptanceBitmap()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("known", Sample.Member(Alice)));
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("new", "1"), Sample.Item("known", "2"), Sample.Item("new", "3"), Sample.Item("other", "4")]);

        chain.Apply(Platform, TransactionType.BatchRegister, batch);

        var committedBatchWrites = chain.LastBlock!.Writes.Count(w => KeySpaces.IsCommitted(w.Key.Space) && w.Key.Space is KeySpace.Work or KeySpace.BatchCommitment);
        Assert.That(committedBatchWrites, Is.EqualTo(1), "no per-item work record in the root, one batch entry");
        Assert.That(chain.State.TryGet(StateKeys.BatchCommitment(chain.LastTxHash), out var entry), Is.True);
        Assert.That(BatchCommitment.MerkleRoot(entry).ToArray(), Is.EqualTo(batch.Body.MerkleRoot.ToByteArray()));
        Assert.That(new[] { 0u, 1u, 2u, 3u }.Select(i => BatchCommitment.IsAccepted(entry, i)), Is.EqualTo(new[] { true, false, false, true }));
    }

    [Test]
    public void BatchItem_AfterTheChange_IsFoundByContentHashAndWorkId_AndRejectsALaterDuplicateWithItsReference()
    {
        var chain = new TestChain();
        chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1"), Sample.Item("b", "2")]));
        var firstBatch = chain.LastTxHash;

        var found = chain.Queries.FindByContentHash(ContentHashAlgorithm.Sha256, Sample.Hash("b").Span)!;
        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), [Sample.Item("b", "3"), Sample.Item("c", "4")]));
        var single = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("a", Sample.Member(Alice)));

        Assert.That(found.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(firstBatch, 1)));
        Assert.That(chain.Queries.GetWork(WorkIds.Create(firstBatch, 1))!.ItemId, Is.EqualTo("2"));
        Assert.That(outcome.Batch!.Rejections.Single().ReferenceWorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(firstBatch, 1)));
        Assert.That(single.Reason, Is.EqualTo(RejectionReason.DuplicateContentHash));
        Assert.That(single.ReferenceTxHash, Is.EqualTo(firstBatch));
    }

    private static TestBatch ManyItems(int count, params string[] extraContents)
    {
        var items = new List<BatchItem>();
        for (var i = 0; i < count; i++)
        {
            items.Add(Sample.Item($"item-{i}", $"listing-{i}", perceptualHash: (ulong)i * 0x9E3779B97F4A7C15UL));
        }

        foreach (var content in extraContents)
        {
            items.Add(Sample.Item(content, content));
        }

        items.Add(Sample.Item("dup", "dup-again"));
        return Sample.Batch(Sample.External("brand"), items);
    }
}
