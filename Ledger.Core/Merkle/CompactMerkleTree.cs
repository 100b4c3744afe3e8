using System.Numerics;

namespace Ledger.Core.Merkle;

/// <summary>
/// An append-only RFC 9162 tree that keeps only its right edge (the "frontier"): one complete
/// subtree hash per set bit of the size, at most 64. Appending hashes the leaf's path up to the first
/// incomplete level — two hashes per leaf amortized — and allocates nothing. Enough for a block's
/// tx_root, a batch root, or the append side of a persistent log whose nodes a sink stores.
/// Not thread-safe.
/// </summary>
public sealed class CompactMerkleTree
{
    private const int LevelCountMax = 64;

    private readonly MerkleHasher _hasher;
    private readonly byte[] _frontier;

    public CompactMerkleTree(MerkleHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        _hasher = hasher;
        _frontier = new byte[LevelCountMax * hasher.HashSizeBytes];
    }

    private CompactMerkleTree(CompactMerkleTree other)
    {
        _hasher = other._hasher;
        _frontier = (byte[])other._frontier.Clone();
        Size = other.Size;
    }

    public MerkleHasher Hasher => _hasher;

    /// <summary>Number of leaves appended.</summary>
    public ulong Size { get; private set; }

    /// <summary>Rebuilds the frontier of a tree of <paramref name="treeSize"/> leaves from its stored complete subtrees (popcount(size) reads).</summary>
    public static CompactMerkleTree Restore(MerkleHasher hasher, IMerkleSubtreeReader reader, ulong treeSize)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var tree = new CompactMerkleTree(hasher);
        var hashSize = hasher.HashSizeBytes;
        var remaining = treeSize;
        while (remaining != 0)
        {
            var level = BitOperations.TrailingZeroCount(remaining);
            reader.ReadSubtreeHash(level, (treeSize >> level) - 1, tree._frontier.AsSpan(level * hashSize, hashSize));
            remaining &= remaining - 1;
        }

        tree.Size = treeSize;
        return tree;
    }

    public CompactMerkleTree Clone() => new(this);

    /// <summary>Appends a leaf given its data (hashed as H(0x00 || data)).</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leafData)
    {
        Span<byte> leafHash = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        leafHash = leafHash[.._hasher.HashSizeBytes];
        _hasher.HashLeaf(leafData, leafHash);
        AppendLeafHash(leafHash);
    }

    /// <summary>Appends a leaf given its leaf hash.</summary>
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        var sink = default(NoSink);
        AppendLeafHash(leafHash, ref sink);
    }

    /// <summary>Appends a leaf hash and reports every complete subtree it creates (the leaf itself first) to <paramref name="sink"/>.</summary>
    public void AppendLeafHash<TSink>(ReadOnlySpan<byte> leafHash, ref TSink sink)
        where TSink : IMerkleNodeSink, allows ref struct
    {
        var hashSize = _hasher.HashSizeBytes;
        if (leafHash.Length != hashSize)
        {
            throw new ArgumentException($"leaf hash must be {hashSize} bytes, was {leafHash.Length}", nameof(leafHash));
        }

        if (Size == ulong.MaxValue)
        {
            throw new InvalidOperationException("the tree is full");
        }

        var index = Size;
        Span<byte> carry = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        carry = carry[..hashSize];
        leafHash.CopyTo(carry);
        sink.OnNode(0, index, carry);
        var level = 0;
        while (((index >> level) & 1) != 0)
        {
            _hasher.HashChildren(_frontier.AsSpan(level * hashSize, hashSize), carry, carry);
            level++;
            sink.OnNode(level, index >> level, carry);
        }

        carry.CopyTo(_frontier.AsSpan(level * hashSize, hashSize));
        Size = index + 1;
    }

    /// <summary>The root over all leaves appended so far (the empty root when there are none).</summary>
    public void ComputeRoot(Span<byte> destination)
    {
        var hashSize = _hasher.HashSizeBytes;
        if (destination.Length != hashSize)
        {
            throw new ArgumentException($"destination must be {hashSize} bytes, was {destination.Length}", nameof(destination));
        }

        var remaining = Size;
        if (remaining == 0)
        {
            _hasher.EmptyRoot(destination);
            return;
        }

        var level = BitOperations.TrailingZeroCount(remaining);
        _frontier.AsSpan(level * hashSize, hashSize).CopyTo(destination);
        remaining &= remaining - 1;
        while (remaining != 0)
        {
            level = BitOperations.TrailingZeroCount(remaining);
            _hasher.HashChildren(_frontier.AsSpan(level * hashSize, hashSize), destination, destination);
            remaining &= remaining - 1;
        }
    }

    public byte[] ComputeRoot()
    {
        var root = new byte[_hasher.HashSizeBytes];
        ComputeRoot(root);
        return root;
    }

    private struct NoSink : IMerkleNodeSink
    {
        public readonly void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash)
        {
        }
    }
}
