using System.Numerics;

namespace Ledger.Core.Merkle;

/// <summary>
/// Roots and proofs (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF) computed from complete-subtree
/// hashes only: O(log n) reads, never a recompute from leaves. Which ranges a proof needs is pure
/// shape arithmetic; the reader supplies the hashes.
/// </summary>
public static class MerkleProofBuilder
{
    // A tree of up to 2^64 leaves has at most 64 levels; proofs and range folds stay below that.
    private const int ProofLengthMax = 128;

    /// <summary>MTH(D[0:treeSize]): the empty root for size 0, otherwise a fold of the complete subtrees that tile the tree.</summary>
    public static void ComputeRoot(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong treeSize, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(reader);
        CheckDestination(hasher, destination);
        if (treeSize == 0)
        {
            hasher.EmptyRoot(destination);
            return;
        }

        RangeHash(hasher, reader, 0, treeSize, destination);
    }

    public static byte[] ComputeRoot(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong treeSize)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var root = new byte[hasher.HashSizeBytes];
        ComputeRoot(hasher, reader, treeSize, root);
        return root;
    }

    /// <summary>
    /// Audit path of leaf <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> leaves,
    /// ordered from the leaf's sibling up to the root's child. Requires 0 ≤ leafIndex &lt; treeSize.
    /// </summary>
    public static byte[][] BuildInclusionProof(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong leafIndex, ulong treeSize)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(reader);
        if (leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"leaf index must be below the tree size {treeSize}");
        }

        // Walk from the root down, recording the sibling range at each split; PATH lists them leaf-first.
        Span<ulong> starts = stackalloc ulong[ProofLengthMax];
        Span<ulong> counts = stackalloc ulong[ProofLengthMax];
        var length = 0;
        ulong start = 0;
        var count = treeSize;
        var index = leafIndex;
        while (count > 1)
        {
            var split = MerkleMath.SplitPoint(count);
            if (index < split)
            {
                starts[length] = start + split;
                counts[length] = count - split;
                count = split;
            }
            else
            {
                starts[length] = start;
                counts[length] = split;
                start += split;
                index -= split;
                count -= split;
            }

            length++;
        }

        return ReadRanges(hasher, reader, starts[..length], counts[..length]);
    }

    /// <summary>
    /// Proof that the tree of <paramref name="size1"/> leaves is a prefix of the tree of <paramref name="size2"/> leaves.
    /// Requires size1 ≤ size2; the proof is empty when size1 is 0 or equals size2.
    /// </summary>
    public static byte[][] BuildConsistencyProof(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong size1, ulong size2)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(reader);
        if (size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), size1, $"first size must not exceed the second size {size2}");
        }

        if (size1 == 0 || size1 == size2)
        {
            return [];
        }

        // SUBPROOF(m, D[n], b) unrolled from the root down; recorded top-down, returned bottom-up.
        Span<ulong> starts = stackalloc ulong[ProofLengthMax];
        Span<ulong> counts = stackalloc ulong[ProofLengthMax];
        var length = 0;
        ulong start = 0;
        var count = size2;
        var m = size1;
        var isWholeFirstTree = true;
        while (m != count)
        {
            var split = MerkleMath.SplitPoint(count);
            if (m <= split)
            {
                starts[length] = start + split;
                counts[length] = count - split;
                count = split;
            }
            else
            {
                starts[length] = start;
                counts[length] = split;
                start += split;
                m -= split;
                count -= split;
                isWholeFirstTree = false;
            }

            length++;
        }

        if (!isWholeFirstTree)
        {
            starts[length] = start;
            counts[length] = count;
            length++;
        }

        return ReadRanges(hasher, reader, starts[..length], counts[..length]);
    }

    /// <summary>MTH(D[start:start+count]) for a range that is a node of the RFC tree (start aligned to the range's ceiling power of two).</summary>
    internal static void RangeHash(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong start, ulong count, Span<byte> destination)
    {
        var memo = MerkleMath.IsPowerOfTwo(count) ? null : reader as IMerkleRangeMemo;
        if (memo is not null && memo.TryGetRangeHash(start, count, destination))
        {
            return;
        }

        // A right-border node is the fold, right to left, of the complete subtrees named by the bits of its count.
        var end = start + count;
        var remaining = count;
        var level = BitOperations.TrailingZeroCount(remaining);
        reader.ReadSubtreeHash(level, (end >> level) - 1, destination);
        end -= 1UL << level;
        remaining &= remaining - 1;
        Span<byte> left = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        left = left[..hasher.HashSizeBytes];
        while (remaining != 0)
        {
            level = BitOperations.TrailingZeroCount(remaining);
            reader.ReadSubtreeHash(level, (end >> level) - 1, left);
            hasher.HashChildren(left, destination, destination);
            end -= 1UL << level;
            remaining &= remaining - 1;
        }

        memo?.RememberRangeHash(start, count, destination);
    }

    private static byte[][] ReadRanges(MerkleHasher hasher, IMerkleSubtreeReader reader, ReadOnlySpan<ulong> starts, ReadOnlySpan<ulong> counts)
    {
        var proof = new byte[starts.Length][];
        for (var i = 0; i < starts.Length; i++)
        {
            var hash = new byte[hasher.HashSizeBytes];
            RangeHash(hasher, reader, starts[i], counts[i], hash);
            proof[starts.Length - 1 - i] = hash;
        }

        return proof;
    }

    private static void CheckDestination(MerkleHasher hasher, Span<byte> destination)
    {
        if (destination.Length != hasher.HashSizeBytes)
        {
            throw new ArgumentException($"destination must be {hasher.HashSizeBytes} bytes, was {destination.Length}", nameof(destination));
        }
    }
}
