using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Registry.Batches;

/// <summary>
/// RFC 9162 §2.1.1 Merkle Tree Hash over batch items' canonical bytes
/// (<see cref="BatchItemEncoding"/>): leaf = H(0x00 || bytes), node = H(0x01 || left || right),
/// left subtree = the largest power of two smaller than n leaves.
/// <para>
/// TEMPORARY: a private copy so the registry does not wait for Ledger.Core.Merkle (being written
/// concurrently). Replace with Ledger.Core.Merkle once merged; the golden test in the registry
/// tests pins this output so the swap is checked.
/// </para>
/// </summary>
public static class BatchMerkleRoot
{
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    public static byte[] Compute(IHashAlgorithm hash, IReadOnlyList<BatchItem> items)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(items);
        var size = hash.HashSizeBytes;
        if (items.Count == 0)
        {
            var empty = new byte[size];
            hash.Hash([], empty);
            return empty;
        }

        var level = new byte[items.Count * size];
        Span<byte> leafInput = stackalloc byte[1 + BatchItemEncoding.EncodedBytesMax];
        leafInput[0] = LeafPrefix;
        for (var i = 0; i < items.Count; i++)
        {
            var length = BatchItemEncoding.Encode(items[i], leafInput[1..]);
            hash.Hash(leafInput[..(1 + length)], level.AsSpan(i * size, size));
        }

        return Reduce(hash, level, items.Count);
    }

    /// <summary>The same tree over raw leaf data (for the RFC 6962/9162 golden vectors).</summary>
    internal static byte[] ComputeFromLeafData(IHashAlgorithm hash, IReadOnlyList<byte[]> leaves)
    {
        var size = hash.HashSizeBytes;
        if (leaves.Count == 0)
        {
            var empty = new byte[size];
            hash.Hash([], empty);
            return empty;
        }

        var level = new byte[leaves.Count * size];
        for (var i = 0; i < leaves.Count; i++)
        {
            var input = new byte[1 + leaves[i].Length];
            input[0] = LeafPrefix;
            leaves[i].CopyTo(input, 1);
            hash.Hash(input, level.AsSpan(i * size, size));
        }

        return Reduce(hash, level, leaves.Count);
    }

    // Level by level, pairing neighbours and carrying an odd last node up unchanged: this builds
    // exactly RFC 9162's left-balanced tree. Works in place over the leaf hashes.
    private static byte[] Reduce(IHashAlgorithm hash, byte[] level, int count)
    {
        var size = hash.HashSizeBytes;
        var nodeInput = new byte[1 + (2 * size)];
        nodeInput[0] = NodePrefix;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i + 1 < count; i += 2)
            {
                level.AsSpan(i * size, 2 * size).CopyTo(nodeInput.AsSpan(1));
                hash.Hash(nodeInput, level.AsSpan(next * size, size));
                next++;
            }

            if (count % 2 == 1)
            {
                level.AsSpan((count - 1) * size, size).CopyTo(level.AsSpan(next * size, size));
                next++;
            }

            count = next;
        }

        return level.AsSpan(0, size).ToArray();
    }
}
