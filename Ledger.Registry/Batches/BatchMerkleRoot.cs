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
