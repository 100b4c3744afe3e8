using System.Numerics;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Storage.Merkle;

namespace Ledger.Node.Applying;

/// <summary>
/// The log inclusion proofs of every transaction of one just-applied block, against the block's own
/// log size: what its submitters' receipts carry. Built once per block, on the first request, in one
/// pass over the block's leaf hashes (about two hashes per transaction), instead of one proof per
/// receipt read tile by tile from RocksDB on a request thread. The proofs are byte-identical to
/// <see cref="Storage.Blocks.BlockStore.GetLogInclusionProof(BlockHeader, uint, ulong)"/>: the hashes
/// left of the block come from that very method (the first leaf's proof), and the fold over the
/// block must reproduce the header's log root and that first proof, or the build throws.
/// <para>
/// Bounded by its block (one proof per transaction); it lives only as long as the block's receipts
/// still to be built refer to it. Thread-safe: concurrent first callers wait for one build.
/// </para>
/// </summary>
public sealed class BlockInclusionProofs
{
    private readonly BlockHeader header;
    private readonly ulong firstLeaf;
    private readonly IReadOnlyList<byte[]> leafHashes;
    private readonly MerkleTreeStore logTree;
    private readonly Lock buildLock = new();
    private InclusionProof[]? proofs;

    /// <param name="header">The committed block's header (log_size and tx_count place its leaves in the log).</param>
    /// <param name="leafHashes">The block's log leaf hashes, in position order; not modified.</param>
    /// <param name="logTree">The log tree, committed at least up to the header's log_size.</param>
    public BlockInclusionProofs(BlockHeader header, IReadOnlyList<byte[]> leafHashes, MerkleTreeStore logTree)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(leafHashes);
        ArgumentNullException.ThrowIfNull(logTree);
        if (leafHashes.Count != header.TxCount)
        {
            throw new ArgumentException($"block {header.Height} has {header.TxCount} transactions but {leafHashes.Count} leaf hashes were given", nameof(leafHashes));
        }

        if (!LogLeafIndex.TryGet(header, 0, out firstLeaf))
        {
            throw new ArgumentException($"block {header.Height} has {header.TxCount} transactions and log size {header.LogSize}: no leaves to prove", nameof(header));
        }

        this.header = header;
        this.leafHashes = leafHashes;
        this.logTree = logTree;
    }

    public ulong Height => header.Height;

    /// <summary>The inclusion proof of the transaction at <paramref name="position"/> in the log of the block's log_size leaves. Shared: do not modify.</summary>
    public InclusionProof Get(uint position)
    {
        if (position >= header.TxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"block {header.Height} has {header.TxCount} transactions");
        }

        var built = Volatile.Read(ref proofs);
        if (built is null)
        {
            lock (buildLock)
            {
                built = proofs ?? Build();
                Volatile.Write(ref proofs, built);
            }
        }

        return built[position];
    }

    private InclusionProof[] Build()
    {
        var treeSize = header.LogSize;
        var built = new InclusionProof[header.TxCount];
        for (var i = 0; i < built.Length; i++)
        {
            var leafIndex = firstLeaf + (ulong)i;
            built[i] = new InclusionProof { LeafIndex = leafIndex, TreeSize = treeSize };
            // Sized once: paths fill one hash per level, and regrowing each list costs more than the fold's hashing.
            built[i].Path.Capacity = ProofLength(leafIndex, treeSize);
        }

        // Every subtree left of the block that any of its proofs needs is a left sibling on the first
        // leaf's path (a node holding a later leaf of the block and ending left of it also holds the first).
        var firstPath = logTree.GetInclusionProof(firstLeaf, treeSize);
        var fold = new Fold(logTree.Hasher, built, leafHashes, firstLeaf, LeftSiblingsOf(firstLeaf, treeSize, firstPath));
        var root = fold.RangeHash(0, treeSize);
        if (!root.Span.SequenceEqual(header.LogRoot.Span))
        {
            throw new InvalidOperationException($"the proofs folded for block {header.Height} give log root {Convert.ToHexStringLower(root.Span)}, its header says {Convert.ToHexStringLower(header.LogRoot.Span)}");
        }

        CheckSameAsStore(built[0], firstPath);
        return built;
    }

    private void CheckSameAsStore(InclusionProof folded, byte[][] stored)
    {
        if (folded.Path.Count != stored.Length)
        {
            throw new InvalidOperationException($"block {header.Height}: the folded proof of its first transaction has {folded.Path.Count} hashes, the store's {stored.Length}");
        }

        for (var i = 0; i < stored.Length; i++)
        {
            if (!folded.Path[i].Span.SequenceEqual(stored[i]))
            {
                throw new InvalidOperationException($"block {header.Height}: the folded proof of its first transaction differs from the store's at hash {i}");
            }
        }
    }

    /// <summary>The left siblings on the path of <paramref name="leafIndex"/> (walked as RFC 9162 PATH splits), with their hashes from <paramref name="path"/> (leaf-first).</summary>
    private static List<(ulong Start, ulong Count, ByteString Hash)> LeftSiblingsOf(ulong leafIndex, ulong treeSize, byte[][] path)
    {
        var siblings = new List<(ulong Start, ulong Count, ByteString Hash)>();
        ulong start = 0;
        var count = treeSize;
        var index = leafIndex;
        var depth = 0;
        while (count > 1)
        {
            var split = SplitPoint(count);
            if (depth >= path.Length)
            {
                throw new InvalidOperationException($"the store's proof of leaf {leafIndex} in a tree of {treeSize} has {path.Length} hashes, fewer than its path's levels");
            }

            if (index >= split)
            {
                // Hashes are listed leaf-first; this walk goes root-first.
                siblings.Add((start, split, UnsafeByteOperations.UnsafeWrap(path[path.Length - 1 - depth])));
                start += split;
                index -= split;
                count -= split;
            }
            else
            {
                count = split;
            }

            depth++;
        }

        if (depth != path.Length)
        {
            throw new InvalidOperationException($"the store's proof of leaf {leafIndex} in a tree of {treeSize} has {path.Length} hashes, its path {depth} levels");
        }

        return siblings;
    }

    // RFC 9162 §2.1.1's k: the largest power of two strictly smaller than count (count ≥ 2).
    private static ulong SplitPoint(ulong count) => 1UL << (63 - BitOperations.LeadingZeroCount(count - 1));

    // Hashes in the inclusion proof of leafIndex < treeSize: a full sibling on each level where the paths
    // to the leaf and to the last leaf diverge, then one per left sibling along the right border.
    private static int ProofLength(ulong leafIndex, ulong treeSize)
    {
        var inner = 64 - BitOperations.LeadingZeroCount(leafIndex ^ (treeSize - 1));
        return inner + BitOperations.PopCount(inner >= 64 ? 0 : leafIndex >> inner);
    }

    /// <summary>
    /// MTH over a range, recursing only into ranges that hold leaves of the block; on the way back up each
    /// of the block's leaves below a split gets the other side's hash, so paths fill leaf-first as PATH lists them.
    /// </summary>
    private sealed class Fold(
        Core.Merkle.MerkleHasher hasher,
        InclusionProof[] proofs,
        IReadOnlyList<byte[]> leafHashes,
        ulong firstLeaf,
        List<(ulong Start, ulong Count, ByteString Hash)> leftSiblings)
    {
        public ByteString RangeHash(ulong start, ulong count)
        {
            if (start + count <= firstLeaf)
            {
                return LeftSibling(start, count);
            }

            if (count == 1)
            {
                return UnsafeByteOperations.UnsafeWrap(leafHashes[(int)(start - firstLeaf)]);
            }

            var split = SplitPoint(count);
            var left = RangeHash(start, split);
            var right = RangeHash(start + split, count - split);
            var end = start + count;
            for (var leaf = Math.Max(start, firstLeaf); leaf < start + split; leaf++)
            {
                proofs[leaf - firstLeaf].Path.Add(right);
            }

            for (var leaf = Math.Max(start + split, firstLeaf); leaf < end; leaf++)
            {
                proofs[leaf - firstLeaf].Path.Add(left);
            }

            var parent = new byte[hasher.HashSizeBytes];
            hasher.HashChildren(left.Span, right.Span, parent);
            return UnsafeByteOperations.UnsafeWrap(parent);
        }

        private ByteString LeftSibling(ulong start, ulong count)
        {
            foreach (var sibling in leftSiblings)
            {
                if (sibling.Start == start && sibling.Count == count)
                {
                    return sibling.Hash;
                }
            }

            throw new InvalidOperationException($"subtree [{start}, {start + count}) left of leaf {firstLeaf} is not on that leaf's path");
        }
    }
}
