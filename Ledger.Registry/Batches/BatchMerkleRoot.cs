using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Registry.Batches;

/// <summary>
/// RFC 9162 §2.1.1 Merkle Tree Hash over batch items' canonical bytes (<see cref="BatchItemEncoding"/>),
/// computed with Ledger.Core's Merkle tree, so a batch item's proof is checked by the same verifier
/// auditors use for the log.
/// </summary>
public static class BatchMerkleRoot
{
    /// <summary>Below this many items the root is computed on the calling thread.</summary>
    public const int ParallelItemsMin = 8_192;

    // Subtrees at most this large are reduced by one thread.
    private const int SequentialSubtreeLeavesMax = 4_096;

    /// <summary>
    /// The same root with up to <paramref name="parallelismMax"/> threads: leaf hashes in parallel,
    /// then the RFC 9162 recursion (split at the largest power of two below n) with both halves
    /// of large subtrees reduced concurrently. The tree's shape fixes the result.
    /// </summary>
    public static byte[] Compute(IHashAlgorithm hash, IReadOnlyList<BatchItem> items, int parallelismMax)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(items);
        if (parallelismMax <= 1 || items.Count < ParallelItemsMin)
        {
            return Compute(hash, items);
        }

        var hasher = new MerkleHasher(hash);
        var size = hasher.HashSizeBytes;
        var leafHashes = new byte[items.Count * size];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelismMax }, () => new byte[BatchItemEncoding.EncodedBytesMax], (i, _, leaf) =>
        {
            var length = BatchItemEncoding.Encode(items[i], leaf);
            hasher.HashLeaf(leaf.AsSpan(0, length), leafHashes.AsSpan(i * size, size));
            return leaf;
        }, static _ => { });
        var root = new byte[size];
        Reduce(hasher, leafHashes, 0, items.Count, root);
        return root;
    }

    /// <summary>
    /// The same root over items already encoded into their stored chunks
    /// (<see cref="BatchItemTable"/>), so the applier encodes each item once for both.
    /// </summary>
    public static byte[] ComputeFromChunks(IHashAlgorithm hash, byte[][] chunks, int itemCount, int parallelismMax)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Length != BatchItemTable.ChunkCount(itemCount))
        {
            throw new ArgumentException($"{chunks.Length} chunks cannot hold {itemCount} items", nameof(chunks));
        }

        var hasher = new MerkleHasher(hash);
        if (parallelismMax <= 1 || itemCount < ParallelItemsMin)
        {
            var tree = new CompactMerkleTree(hasher);
            foreach (var chunk in chunks)
            {
                var inChunk = BatchItemTable.CountOf(chunk);
                for (var k = 0; k < inChunk; k++)
                {
                    tree.AppendLeaf(BatchItemTable.Item(chunk, k));
                }
            }

            return tree.ComputeRoot();
        }

        var size = hasher.HashSizeBytes;
        var leafHashes = new byte[itemCount * size];
        Parallel.For(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelismMax }, c =>
        {
            var chunk = chunks[c];
            var inChunk = BatchItemTable.CountOf(chunk);
            var first = c * BatchItemTable.ChunkItems;
            for (var k = 0; k < inChunk; k++)
            {
                hasher.HashLeaf(BatchItemTable.Item(chunk, k), leafHashes.AsSpan((first + k) * size, size));
            }
        });
        var root = new byte[size];
        Reduce(hasher, leafHashes, 0, itemCount, root);
        return root;
    }

    private static void Reduce(MerkleHasher hasher, byte[] leafHashes, int start, int count, Span<byte> destination)
    {
        var size = hasher.HashSizeBytes;
        if (count == 1)
        {
            leafHashes.AsSpan(start * size, size).CopyTo(destination);
            return;
        }

        var split = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(count - 1)));
        var left = new byte[size];
        var right = new byte[size];
        if (count > SequentialSubtreeLeavesMax)
        {
            Parallel.Invoke(
                () => Reduce(hasher, leafHashes, start, split, left),
                () => Reduce(hasher, leafHashes, start + split, count - split, right));
        }
        else
        {
            Reduce(hasher, leafHashes, start, split, left);
            Reduce(hasher, leafHashes, start + split, count - split, right);
        }

        hasher.HashChildren(left, right, destination);
    }

    public static byte[] Compute(IHashAlgorithm hash, IReadOnlyList<BatchItem> items)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(items);
        var tree = new CompactMerkleTree(new MerkleHasher(hash));
        Span<byte> leaf = stackalloc byte[BatchItemEncoding.EncodedBytesMax];
        for (var i = 0; i < items.Count; i++)
        {
            var length = BatchItemEncoding.Encode(items[i], leaf);
            tree.AppendLeaf(leaf[..length]);
        }

        return tree.ComputeRoot();
    }

    /// <summary>The same tree over raw leaf data (for the RFC 6962/9162 golden vectors).</summary>
    internal static byte[] ComputeFromLeafData(IHashAlgorithm hash, IReadOnlyList<byte[]> leaves)
    {
        var tree = new CompactMerkleTree(new MerkleHasher(hash));
        foreach (var leaf in leaves)
        {
            tree.AppendLeaf(leaf);
        }

        return tree.ComputeRoot();
    }
}
