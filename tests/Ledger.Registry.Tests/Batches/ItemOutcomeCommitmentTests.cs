using Ledger.Core.Blocks;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// An accepted batch's result (and so its log leaf) commits to every item's outcome: a verifier
/// holding one item's outcome leaf and its proof to the result's item_outcomes_root knows whether
/// that item was accepted or rejected, and as a duplicate of which work in which transaction.
/// </summary>
public sealed class ItemOutcomeCommitmentTests
{
    private static readonly MerkleHasher Hasher = new(Sha256HashAlgorithm.Instance);

    [Test]
    public void BatchRegister_WithADuplicateItem_CommitsItemRejectedAsDuplicateOfWorkInTx_AndItemAccepted()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("known", Sample.Member(Alice)));
        var priorTx = chain.LastTxHash;
        var priorWork = WorkIds.Create(priorTx, 0);
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("new", "1"), Sample.Item("known", "2"), Sample.Item("other", "3")]);

        var result = chain.Apply(Platform, TransactionType.BatchRegister, batch).ToProto();

        var root = result.ItemOutcomesRoot.ToByteArray();
        Assert.That(root, Has.Length.EqualTo(32));
        var rejected = new BatchItemOutcome(1, ResultCode.Rejected, $"{nameof(RejectionReason.DuplicateContentHash)}: content already registered as work {Convert.ToHexString(priorWork)}", priorWork, priorTx);
        var accepted = BatchItemOutcome.Accepted(0);
        var outcomes = BatchItemOutcomeTree.FromBatchOutcome(chain.Queries.GetBatchOutcome(chain.LastTxHash)!);
        Assert.That(ProvesAgainst(outcomes, rejected, root), Is.True, "item 1: rejected, duplicate of work W registered in transaction T");
        Assert.That(ProvesAgainst(outcomes, accepted, root), Is.True, "item 0: accepted");
        Assert.That(ProvesAgainst(outcomes, BatchItemOutcome.Accepted(1), root), Is.False, "item 1 cannot be proved accepted");
    }

    [Test]
    public void BatchRegister_ResultRoot_IsCoresRootOverTheRegistrysStoredOutcome()
    {
        var chain = new TestChain();
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("known", Sample.Member(Alice)));
        var items = Enumerable.Range(0, 300).Select(i => Sample.Item(i % 7 == 3 ? "known" : $"item-{i}", $"sku-{i}")).ToList();

        var outcome = chain.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items));

        var stored = chain.Queries.GetBatchOutcome(chain.LastTxHash)!;
        Assert.That(stored.Rejections, Has.Count.EqualTo(items.Count(i => i.ContentSha256 == Sample.Hash("known"))));
        Assert.That(outcome.ItemOutcomesRoot, Is.EqualTo(BatchItemOutcomeTree.ComputeRoot(BatchItemOutcomeTree.FromBatchOutcome(stored), Sha256HashAlgorithm.Instance)));
        Assert.That(outcome.ToProto().ItemOutcomesRoot.ToByteArray(), Is.EqualTo(outcome.ItemOutcomesRoot));
    }

    [Test]
    public void BatchRegister_OneItemOutcomeDifferent_GivesAnotherLogLeaf()
    {
        var fresh = new TestChain();
        var seen = new TestChain();
        seen.Apply(Alice, TransactionType.RegisterWork, Sample.Work("b", Sample.Member(Alice)));
        var items = new[] { Sample.Item("a", "1"), Sample.Item("b", "2") };

        var allAccepted = fresh.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items)).ToProto();
        var oneRejected = seen.Apply(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items)).ToProto();

        // Same transaction hash, same code; only item 1's outcome differs (the summary reason aside).
        oneRejected.Reason = allAccepted.Reason;
        var txHash = new byte[32];
        Assert.That(oneRejected.ItemOutcomesRoot, Is.Not.EqualTo(allAccepted.ItemOutcomesRoot));
        Assert.That(LogLeaf.Encode(txHash, oneRejected, Sha256HashAlgorithm.Instance), Is.Not.EqualTo(LogLeaf.Encode(txHash, allAccepted, Sha256HashAlgorithm.Instance)));
    }

    [Test]
    public void RejectedBatch_AndOtherTransactions_HaveNoItemOutcomesRoot()
    {
        var chain = new TestChain();
        var batch = Sample.Batch(Sample.External("brand"), [Sample.Item("a", "1")]);
        batch.Body.ItemCount = 2;

        var rejected = chain.Apply(Platform, TransactionType.BatchRegister, batch).ToProto();
        var single = chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("w", Sample.Member(Alice))).ToProto();

        Assert.That(rejected.ItemOutcomesRoot.IsEmpty, Is.True);
        Assert.That(single.ItemOutcomesRoot.IsEmpty, Is.True);
    }

    /// <summary>Whether <paramref name="claimed"/>'s leaf, with the proof built for its index from the registry's outcomes, reaches <paramref name="root"/>.</summary>
    private static bool ProvesAgainst(IReadOnlyList<BatchItemOutcome> outcomes, BatchItemOutcome claimed, byte[] root)
    {
        var proof = BatchItemOutcomeTree.Prove(outcomes, (int)claimed.ItemIndex, Sha256HashAlgorithm.Instance);
        return MerkleProofVerifier.CheckInclusion(
            Hasher, proof.LeafIndex, proof.TreeSize, BatchItemOutcomeLeaf.MerkleLeafHash(claimed, Sha256HashAlgorithm.Instance), proof.Path.Select(p => p.ToByteArray()).ToList(), root) == MerkleProofResult.Valid;
    }
}
