using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// The RFC 9162 tree over a batch's item outcome leaves (<see cref="BatchItemOutcomeLeaf"/>), in
/// item order, tree size = item count: its root is the result's <c>item_outcomes_root</c>, and an
/// item's inclusion proof to it (checked by <see cref="MerkleProofVerifier"/>) proves that item's
/// outcome. <see cref="FromBatchOutcome"/> is the one mapping from the registry's stored
/// <see cref="BatchRegisterOutcome"/> to the outcome list, used by the registry when it commits and
/// by whoever rebuilds the list to prove an item.
/// </summary>
public static class BatchItemOutcomeTree
{
    /// <summary>The work id is the registering transaction's hash followed by a u32 BE item index.</summary>
    private const int WorkIdIndexBytes = sizeof(uint);

    /// <summary>Root over the outcomes, which must be exactly items 0..n-1 in order.</summary>
    /// <exception cref="ArgumentException">The list is empty or not in item order.</exception>
    public static byte[] ComputeRoot(IReadOnlyList<BatchItemOutcome> outcomes, IHashAlgorithm hash) => ComputeRoot(outcomes, hash, parallelismMax: 1);

    /// <summary>
    /// The same root with the leaves encoded and hashed on up to <paramref name="parallelismMax"/>
    /// threads (each leaf is independent; the tree is then folded in order, so the result is the same).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or not in item order.</exception>
    public static byte[] ComputeRoot(IReadOnlyList<BatchItemOutcome> outcomes, IHashAlgorithm hash, int parallelismMax)
    {
        ArgumentNullException.ThrowIfNull(hash);
        CheckOrder(outcomes);
        var hasher = new MerkleHasher(hash);
        var size = hasher.HashSizeBytes;
        var leafHashes = new byte[outcomes.Count * size];
        if (parallelismMax <= 1 || outcomes.Count < ParallelLeavesMin)
        {
            var buffer = new byte[BatchItemOutcomeLeaf.EncodedBytesMax];
            for (var i = 0; i < outcomes.Count; i++)
            {
                HashLeaf(hasher, outcomes[i], buffer, leafHashes.AsSpan(i * size, size));
            }
        }
        else
        {
            Parallel.For(
                0,
                outcomes.Count,
                new ParallelOptions { MaxDegreeOfParallelism = parallelismMax },
                () => new byte[BatchItemOutcomeLeaf.EncodedBytesMax],
                (i, _, buffer) =>
                {
                    HashLeaf(hasher, outcomes[i], buffer, leafHashes.AsSpan(i * size, size));
                    return buffer;
                },
                static _ => { });
        }

        var tree = new CompactMerkleTree(hasher);
        for (var i = 0; i < outcomes.Count; i++)
        {
            tree.AppendLeafHash(leafHashes.AsSpan(i * size, size));
        }

        return tree.ComputeRoot();
    }

    /// <summary>Below this many outcomes the leaves are hashed on the calling thread.</summary>
    public const int ParallelLeavesMin = 8_192;

    private static void HashLeaf(MerkleHasher hasher, BatchItemOutcome outcome, byte[] buffer, Span<byte> destination)
    {
        var length = BatchItemOutcomeLeaf.Encode(outcome, buffer);
        hasher.HashLeaf(buffer.AsSpan(0, length), destination);
    }

    /// <summary>The inclusion proof of item <paramref name="index"/>'s outcome leaf to the root over <paramref name="outcomes"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty or not in item order.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the list.</exception>
    public static InclusionProof Prove(IReadOnlyList<BatchItemOutcome> outcomes, int index, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        CheckOrder(outcomes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, outcomes.Count);
        var tree = new MemoryMerkleTree(new MerkleHasher(hash), outcomes.Count);
        foreach (var outcome in outcomes)
        {
            tree.AppendLeaf(BatchItemOutcomeLeaf.Encode(outcome));
        }

        var proof = new InclusionProof { LeafIndex = (ulong)index, TreeSize = (ulong)outcomes.Count };
        foreach (var node in tree.BuildInclusionProof((ulong)index, (ulong)outcomes.Count))
        {
            proof.Path.Add(ByteString.CopyFrom(node));
        }

        return proof;
    }

    /// <summary>
    /// The outcome of every item of a batch from the registry's record of it: items listed in
    /// <c>rejections</c> are rejected with reason "reason_code: reason" and, for a duplicate, the
    /// prior work id and that work's transaction hash (the work id without its item index); every
    /// other item is accepted.
    /// </summary>
    /// <exception cref="ArgumentException">A rejection names an item outside the batch, or one item twice.</exception>
    public static IReadOnlyList<BatchItemOutcome> FromBatchOutcome(BatchRegisterOutcome batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outcomes = new BatchItemOutcome[batch.ItemCount];
        foreach (var rejection in batch.Rejections)
        {
            if (rejection.ItemIndex >= batch.ItemCount)
            {
                throw new ArgumentException($"a rejection names item {rejection.ItemIndex} of a batch of {batch.ItemCount}", nameof(batch));
            }

            if (outcomes[rejection.ItemIndex] is not null)
            {
                throw new ArgumentException($"item {rejection.ItemIndex} is rejected twice", nameof(batch));
            }

            var workId = rejection.ReferenceWorkId.ToByteArray();
            var txHash = workId.Length > WorkIdIndexBytes ? workId[..^WorkIdIndexBytes] : [];
            outcomes[rejection.ItemIndex] = new BatchItemOutcome(rejection.ItemIndex, ResultCode.Rejected, RejectedReason(rejection), workId, txHash);
        }

        for (var i = 0u; i < outcomes.Length; i++)
        {
            outcomes[i] ??= BatchItemOutcome.Accepted(i);
        }

        return outcomes;
    }

    /// <summary>The committed reason of a rejected item: "ReasonName: detail", as transaction results write it.</summary>
    public static string RejectedReason(BatchItemRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return $"{rejection.ReasonCode}: {rejection.Reason}";
    }

    private static void CheckOrder(IReadOnlyList<BatchItemOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            throw new ArgumentException("a batch has at least one item", nameof(outcomes));
        }

        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].ItemIndex != (uint)i)
            {
                throw new ArgumentException($"outcome {i} is for item {outcomes[i].ItemIndex}; outcomes must be items 0..n-1 in order", nameof(outcomes));
            }
        }
    }
}
