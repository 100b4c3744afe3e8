using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Evidence;

public sealed class BatchItemOutcomeTests
{
    private static readonly byte[] PriorTx = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] PriorWork = [.. PriorTx, 0, 0, 0, 7];

    [Test]
    public void Encode_RejectedDuplicate_IsTheDocumentedLayout()
    {
        var outcome = new BatchItemOutcome(5, ResultCode.Rejected, "dup", PriorWork, PriorTx);

        var expected = Convert.ToHexStringLower("ledger/v1/batch-item-outcome\0"u8)
            + "00000005" + "02" + "0003" + "647570"
            + "24" + Convert.ToHexStringLower(PriorWork)
            + "20" + Convert.ToHexStringLower(PriorTx);
        Assert.That(Convert.ToHexStringLower(BatchItemOutcomeLeaf.Encode(outcome)), Is.EqualTo(expected));
    }

    [Test]
    public void Encode_Accepted_IsIndexCodeAndThreeEmptyFields()
    {
        Assert.That(
            Convert.ToHexStringLower(BatchItemOutcomeLeaf.Encode(BatchItemOutcome.Accepted(1))),
            Is.EqualTo(Convert.ToHexStringLower("ledger/v1/batch-item-outcome\0"u8) + "00000001" + "01" + "0000" + "00" + "00"));
    }

    [Test]
    public void Encode_ReferenceLongerThanTheBound_IsRefused()
    {
        var outcome = new BatchItemOutcome(0, ResultCode.Rejected, "x", new byte[BatchItemOutcomeLeaf.ReferenceBytesMax + 1], []);

        Assert.That(() => BatchItemOutcomeLeaf.Encode(outcome), Throws.ArgumentException);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(33)]
    public void Prove_EveryItem_VerifiesAgainstComputeRoot(int count)
    {
        var outcomes = Outcomes(count);
        var root = BatchItemOutcomeTree.ComputeRoot(outcomes, Sha256HashAlgorithm.Instance);
        var hasher = new MerkleHasher(Sha256HashAlgorithm.Instance);

        for (var i = 0; i < count; i++)
        {
            var proof = BatchItemOutcomeTree.Prove(outcomes, i, Sha256HashAlgorithm.Instance);
            var leaf = BatchItemOutcomeLeaf.MerkleLeafHash(outcomes[i], Sha256HashAlgorithm.Instance);
            Assert.That(proof.TreeSize, Is.EqualTo((ulong)count));
            Assert.That(MerkleProofVerifier.CheckInclusion(hasher, proof.LeafIndex, proof.TreeSize, leaf, proof.Path.Select(p => p.ToByteArray()).ToList(), root), Is.EqualTo(MerkleProofResult.Valid), $"item {i}");
        }
    }

    [Test]
    public void ComputeRoot_OnSeveralThreads_IsTheRootOfTheTreeOfTheLeaves()
    {
        var outcomes = Outcomes(BatchItemOutcomeTree.ParallelLeavesMin + 5);
        var reference = new CompactMerkleTree(new MerkleHasher(Sm3HashAlgorithm.Instance));
        foreach (var outcome in outcomes)
        {
            reference.AppendLeaf(BatchItemOutcomeLeaf.Encode(outcome));
        }

        Assert.That(BatchItemOutcomeTree.ComputeRoot(outcomes, Sm3HashAlgorithm.Instance, parallelismMax: 4), Is.EqualTo(reference.ComputeRoot()));
        Assert.That(BatchItemOutcomeTree.ComputeRoot(outcomes, Sm3HashAlgorithm.Instance), Is.EqualTo(reference.ComputeRoot()));
    }

    [Test]
    public void ComputeRoot_OneOutcomeChanged_ChangesTheRoot()
    {
        var outcomes = Outcomes(9).ToList();
        var root = BatchItemOutcomeTree.ComputeRoot(outcomes, Sha256HashAlgorithm.Instance);

        outcomes[4] = new BatchItemOutcome(4, ResultCode.Rejected, "DuplicateContentHash: content already registered", PriorWork, PriorTx);

        Assert.That(BatchItemOutcomeTree.ComputeRoot(outcomes, Sha256HashAlgorithm.Instance), Is.Not.EqualTo(root));
    }

    [Test]
    public void ComputeRoot_OutcomesOutOfItemOrder_IsRefused()
    {
        var outcomes = new[] { BatchItemOutcome.Accepted(1), BatchItemOutcome.Accepted(0) };

        Assert.That(() => BatchItemOutcomeTree.ComputeRoot(outcomes, Sha256HashAlgorithm.Instance), Throws.ArgumentException);
    }

    [Test]
    public void FromBatchOutcome_RejectionsKeepReasonAndReferences_OthersAreAccepted()
    {
        var stored = new BatchRegisterOutcome { ItemCount = 3, AcceptedCount = 2 };
        stored.Rejections.Add(new BatchItemRejection { ItemIndex = 1, ReasonCode = "DuplicateContentHash", Reason = "content already registered as work X", ReferenceWorkId = ByteString.CopyFrom(PriorWork) });

        var outcomes = BatchItemOutcomeTree.FromBatchOutcome(stored);

        Assert.That(outcomes, Has.Count.EqualTo(3));
        Assert.That(outcomes[0], Is.EqualTo(BatchItemOutcome.Accepted(0)).Using<BatchItemOutcome>(SameOutcome));
        Assert.That(outcomes[1].Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(outcomes[1].Reason, Is.EqualTo("DuplicateContentHash: content already registered as work X"));
        Assert.That(outcomes[1].ReferenceWorkId, Is.EqualTo(PriorWork));
        Assert.That(outcomes[1].ReferenceTxHash, Is.EqualTo(PriorTx));
        Assert.That(outcomes[2].IsAccepted, Is.True);
    }

    private static bool SameOutcome(BatchItemOutcome a, BatchItemOutcome b) =>
        BatchItemOutcomeLeaf.Encode(a).AsSpan().SequenceEqual(BatchItemOutcomeLeaf.Encode(b));

    private static BatchItemOutcome[] Outcomes(int count) =>
        Enumerable.Range(0, count)
            .Select(i => i % 3 == 1 ? new BatchItemOutcome((uint)i, ResultCode.Rejected, $"DuplicateContentHash: item {i}", PriorWork, PriorTx) : BatchItemOutcome.Accepted((uint)i))
            .ToArray();
}
