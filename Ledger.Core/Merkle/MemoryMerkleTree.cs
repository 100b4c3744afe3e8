namespace Ledger.Core.Merkle;

/// <summary>
/// An in-memory RFC 9162 tree that keeps every complete subtree, so it can answer roots, inclusion
/// proofs and consistency proofs for any size up to its own: a block's transactions or a batch's items.
/// Holds at most <c>leafCountMax</c> leaves (about two hashes each). Not thread-safe.
/// </summary>
public sealed class MemoryMerkleTree : IMerkleSubtreeReader
{
    private readonly MerkleHasher _hasher;
    private readonly CompactMerkleTree _frontier;
    private readonly List<byte[]> _levels = [];
    private readonly List<int> _levelCounts = [];

    public MemoryMerkleTree(MerkleHasher hasher, int leafCountMax)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leafCountMax);
        _hasher = hasher;
        _frontier = new CompactMerkleTree(hasher);
        LeafCountMax = leafCountMax;
    }

    public MerkleHasher Hasher => _hasher;

    public int LeafCountMax { get; }

    public ulong Size => _frontier.Size;

    public void AppendLeaf(ReadOnlySpan<byte> leafData)
    {
        Span<byte> leafHash = stackalloc byte[MerkleHasher.HashSizeBytesMax];
        leafHash = leafHash[.._hasher.HashSizeBytes];
        _hasher.HashLeaf(leafData, leafHash);
        AppendLeafHash(leafHash);
    }

    public void AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (Size >= (ulong)LeafCountMax)
        {
            throw new InvalidOperationException($"the tree already holds its maximum of {LeafCountMax} leaves");
        }

        var sink = new LevelSink(this);
        _frontier.AppendLeafHash(leafHash, ref sink);
    }

    /// <summary>Root over all leaves.</summary>
    public byte[] ComputeRoot() => _frontier.ComputeRoot();

    /// <summary>Root over the first <paramref name="treeSize"/> leaves.</summary>
    public byte[] ComputeRoot(ulong treeSize)
    {
        CheckSize(treeSize, nameof(treeSize));
        return MerkleProofBuilder.ComputeRoot(_hasher, this, treeSize);
    }

    /// <summary>The leaf hash at <paramref name="leafIndex"/>.</summary>
    public byte[] LeafHash(ulong leafIndex)
    {
        if (leafIndex >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"leaf index must be below the tree size {Size}");
        }

        var hash = new byte[_hasher.HashSizeBytes];
        ReadSubtreeHash(0, leafIndex, hash);
        return hash;
    }

    public byte[][] BuildInclusionProof(ulong leafIndex, ulong treeSize)
    {
        CheckSize(treeSize, nameof(treeSize));
        return MerkleProofBuilder.BuildInclusionProof(_hasher, this, leafIndex, treeSize);
    }

    public byte[][] BuildConsistencyProof(ulong size1, ulong size2)
    {
        CheckSize(size2, nameof(size2));
        return MerkleProofBuilder.BuildConsistencyProof(_hasher, this, size1, size2);
    }

    public void ReadSubtreeHash(int level, ulong index, Span<byte> destination)
    {
        if (level < 0 || level >= _levels.Count || index >= (ulong)_levelCounts[level])
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"subtree ({level}, {index}) is not complete in a tree of {Size} leaves");
        }

        var hashSize = _hasher.HashSizeBytes;
        _levels[level].AsSpan((int)index * hashSize, hashSize).CopyTo(destination);
    }

    private void CheckSize(ulong treeSize, string name)
    {
        if (treeSize > Size)
        {
            throw new ArgumentOutOfRangeException(name, treeSize, $"the tree holds only {Size} leaves");
        }
    }

    private void StoreNode(int level, ulong index, ReadOnlySpan<byte> hash)
    {
        if (level == _levels.Count)
        {
            _levels.Add(new byte[hash.Length * 4]);
            _levelCounts.Add(0);
        }

        var hashSize = hash.Length;
        var count = _levelCounts[level];
        if ((ulong)count != index)
        {
            throw new InvalidOperationException($"node ({level}, {index}) arrived out of order; expected index {count}");
        }

        var buffer = _levels[level];
        if ((count + 1) * hashSize > buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
            _levels[level] = buffer;
        }

        hash.CopyTo(buffer.AsSpan(count * hashSize));
        _levelCounts[level] = count + 1;
    }

    private readonly ref struct LevelSink(MemoryMerkleTree tree) : IMerkleNodeSink
    {
        public void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash) => tree.StoreNode(level, index, hash);
    }
}
