using System.Buffers.Binary;
using Ledger.Core.Merkle;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Merkle;

/// <summary>
/// An append-only RFC 9162 tree persisted in the <c>merkle_nodes</c> column family (layout in
/// <see cref="MerkleTile"/>). Appends are staged into the caller's <see cref="WriteBatch"/> so tree
/// nodes commit atomically with whatever else the batch carries (a block, its index entries, the
/// applied Raft index). The right edge — the compact frontier plus the open tile of each row — lives
/// in memory, so appending reads nothing and allocates nothing. Roots and proofs for any size up to
/// <see cref="CommittedSize"/> read O(log n) stored hashes and never recompute from leaves.
/// <para>
/// Protocol for the single writer: <see cref="StageAppend"/> any number of leaves, then
/// <see cref="StageFlush"/>, write the batch, then <see cref="MarkCommitted"/>. If the write fails,
/// call <see cref="DiscardStaged"/> (it reloads the right edge from disk). Readers on other threads
/// may call the root and proof methods at any time; they see committed data only.
/// </para>
/// </summary>
public sealed class MerkleTreeStore
{
    private readonly LedgerDatabase _database;
    private readonly MerkleHasher _hasher;
    private readonly byte _treeId;
    private readonly int _tileBytes;
    private readonly CompleteTileCache _tileCache = new();
    private readonly BorderNodeMemo _borderMemo = new();
    private CommittedEdge _committedEdge = CommittedEdge.Empty;

    // Upper-row tiles completed by staged appends, handed to the tile cache once committed. Row 0
    // (leaf hashes, the bulk of the tree) is never cached; the band above follows the tree size.
    private readonly List<(int Row, ulong TileIndex, byte[] Tile)> _completedUpperTiles = [];
    private int _upperRowMin = MerkleTile.RowCount;

    // The open (rightmost) tile of each row, as it stands including staged appends.
    private readonly byte[][] _openTiles = new byte[MerkleTile.RowCount][];
    private readonly ulong[] _openTileIndex = new ulong[MerkleTile.RowCount];
    private readonly bool[] _openTileLoaded = new bool[MerkleTile.RowCount];
    private readonly bool[] _openTileDirty = new bool[MerkleTile.RowCount];

    private CompactMerkleTree _frontier;
    private ulong _committedSize;
    private bool _flushed = true;

    public MerkleTreeStore(LedgerDatabase database, MerkleHasher hasher, byte treeId = 0)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hasher);
        _database = database;
        _hasher = hasher;
        _treeId = treeId;
        _tileBytes = MerkleTile.HashCount * hasher.HashSizeBytes;
        for (var row = 0; row < MerkleTile.RowCount; row++)
        {
            _openTiles[row] = new byte[_tileBytes];
        }

        _frontier = new CompactMerkleTree(hasher);
        LoadRightEdge();
    }

    public MerkleHasher Hasher => _hasher;

    /// <summary>Leaves durably stored (written and marked committed). Safe to read from any thread.</summary>
    public ulong CommittedSize => Volatile.Read(ref _committedSize);

    /// <summary>Leaves including staged, not yet committed appends. Writer thread only.</summary>
    public ulong StagedSize => _frontier.Size;

    /// <summary>Stages one leaf hash: complete tiles go into <paramref name="batch"/> at once, open tiles at <see cref="StageFlush"/>.</summary>
    public void StageAppend(WriteBatch batch, ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var sink = new TileSink(this, batch);
        _frontier.AppendLeafHash(leafHash, ref sink);
        _flushed = false;
    }

    /// <summary>Stages the open tiles and the new size, completing what <see cref="StageAppend"/> began.</summary>
    public void StageFlush(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Span<byte> key = stackalloc byte[MerkleTile.KeyBytes];
        for (var row = 0; row < MerkleTile.RowCount; row++)
        {
            if (_openTileDirty[row])
            {
                MerkleTile.WriteKey(key, _treeId, row, _openTileIndex[row]);
                batch.Put(key, _openTiles[row], _database.MerkleNodes);
                _openTileDirty[row] = false;
            }
        }

        Span<byte> sizeKey = stackalloc byte[MetaKeys.MerkleTreeSizePrefix.Length + 1];
        WriteSizeKey(sizeKey);
        Span<byte> size = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(size, _frontier.Size);
        batch.Put(sizeKey, size, _database.Meta);
        _upperRowMin = Math.Max(1, _tileCache.RowMinFor(_frontier.Size));
        _flushed = true;
    }

    /// <summary>Declares the flushed batch written: roots and proofs may now use the new size.</summary>
    public void MarkCommitted()
    {
        if (!_flushed)
        {
            throw new InvalidOperationException("staged appends were not flushed into the batch before it was committed");
        }

        PublishCommitted(_frontier.Size);
        foreach (var (row, tileIndex, tile) in _completedUpperTiles)
        {
            _tileCache.Add(row, tileIndex, tile);
        }

        _completedUpperTiles.Clear();
    }

    /// <summary>Forgets staged appends after a failed or abandoned write, reloading the right edge from disk.</summary>
    public void DiscardStaged()
    {
        Array.Clear(_openTileDirty);
        Array.Clear(_openTileLoaded);
        _completedUpperTiles.Clear();
        _flushed = true;
        LoadRightEdge();
    }

    /// <summary>Root over all staged leaves (what the next commit will have), from the in-memory frontier.</summary>
    public byte[] ComputeStagedRoot() => _frontier.ComputeRoot();

    /// <summary>A copy of the frontier at the staged size, to preview roots without staging.</summary>
    public CompactMerkleTree CloneFrontier() => _frontier.Clone();

    public byte[] GetRoot(ulong treeSize)
    {
        var reader = CreateReader(treeSize, nameof(treeSize));
        return MerkleProofBuilder.ComputeRoot(_hasher, reader, treeSize);
    }

    public byte[] GetLeafHash(ulong leafIndex)
    {
        var reader = CreateReader(CommittedSize, nameof(leafIndex));
        if (leafIndex >= reader.TreeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"the tree has {reader.TreeSize} committed leaves");
        }

        var hash = new byte[_hasher.HashSizeBytes];
        reader.ReadSubtreeHash(0, leafIndex, hash);
        return hash;
    }

    /// <summary>RFC 9162 inclusion proof of <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> leaves (treeSize ≤ <see cref="CommittedSize"/>).</summary>
    public byte[][] GetInclusionProof(ulong leafIndex, ulong treeSize)
    {
        var reader = CreateReader(treeSize, nameof(treeSize));
        return MerkleProofBuilder.BuildInclusionProof(_hasher, reader, leafIndex, treeSize);
    }

    /// <summary>RFC 9162 consistency proof from <paramref name="size1"/> to <paramref name="size2"/> (size2 ≤ <see cref="CommittedSize"/>).</summary>
    public byte[][] GetConsistencyProof(ulong size1, ulong size2)
    {
        var reader = CreateReader(size2, nameof(size2));
        return MerkleProofBuilder.BuildConsistencyProof(_hasher, reader, size1, size2);
    }

    internal static void WriteSizeKey(Span<byte> destination, byte treeId)
    {
        MetaKeys.MerkleTreeSizePrefix.CopyTo(destination);
        destination[^1] = treeId;
    }

    private void WriteSizeKey(Span<byte> destination) => WriteSizeKey(destination, _treeId);

    private StoredSubtreeReader CreateReader(ulong treeSize, string parameterName)
    {
        var committed = CommittedSize;
        if (treeSize > committed)
        {
            throw new ArgumentOutOfRangeException(parameterName, treeSize, $"the tree has {committed} committed leaves");
        }

        return new StoredSubtreeReader(_database, _tileCache, Volatile.Read(ref _committedEdge), _borderMemo.For(treeSize), _treeId, _tileBytes, _hasher.HashSizeBytes, treeSize);
    }

    private void PublishCommitted(ulong size)
    {
        // The edge goes first: a reader that sees the new size must also see tiles covering it.
        var tileIndex = new ulong[MerkleTile.RowCount];
        var tiles = new byte[]?[MerkleTile.RowCount];
        for (var row = 0; row < MerkleTile.RowCount; row++)
        {
            if (_openTileLoaded[row])
            {
                tileIndex[row] = _openTileIndex[row];
                tiles[row] = (byte[])_openTiles[row].Clone();
            }
        }

        Volatile.Write(ref _committedEdge, new CommittedEdge(size, tileIndex, tiles));
        Volatile.Write(ref _committedSize, size);
    }

    private void LoadRightEdge()
    {
        Span<byte> sizeKey = stackalloc byte[MetaKeys.MerkleTreeSizePrefix.Length + 1];
        WriteSizeKey(sizeKey);
        var sizeBytes = _database.Get(_database.Meta, sizeKey);
        ulong size = 0;
        if (sizeBytes is not null)
        {
            if (sizeBytes.Length != sizeof(ulong))
            {
                throw new StorageCorruptionException($"merkle tree {_treeId} size record has {sizeBytes.Length} bytes, expected {sizeof(ulong)}");
            }

            size = BinaryPrimitives.ReadUInt64BigEndian(sizeBytes);
        }

        var reader = new StoredSubtreeReader(_database, _tileCache, CommittedEdge.Empty, null, _treeId, _tileBytes, _hasher.HashSizeBytes, size);
        _frontier = CompactMerkleTree.Restore(_hasher, reader, size);
        for (var row = 0; row < MerkleTile.RowCount; row++)
        {
            var baseLevel = row * MerkleTile.Height;
            var baseCount = baseLevel < 64 ? size >> baseLevel : 0;
            if (baseCount == 0)
            {
                continue;
            }

            // The open tile of a row is the one holding its last complete base-level node.
            var tileIndex = MerkleTile.TileIndex(baseLevel, baseCount - 1);
            reader.ReadTile(row, tileIndex, _openTiles[row]);
            _openTileIndex[row] = tileIndex;
            _openTileLoaded[row] = true;
        }

        _upperRowMin = Math.Max(1, _tileCache.RowMinFor(size));
        PublishCommitted(size);
    }

    private void OnNode(WriteBatch batch, int level, ulong index, ReadOnlySpan<byte> hash)
    {
        var row = MerkleTile.Row(level);
        var tileIndex = MerkleTile.TileIndex(level, index);
        var tile = _openTiles[row];
        if (!_openTileLoaded[row] || _openTileIndex[row] != tileIndex)
        {
            // Nodes arrive bottom-up, so a tile's last node precedes the next tile's first: the tile being replaced is complete and already staged.
            if (_openTileDirty[row])
            {
                throw new InvalidOperationException($"merkle tile (row {row}, index {_openTileIndex[row]}) replaced before it was complete");
            }

            Array.Clear(tile);
            _openTileIndex[row] = tileIndex;
            _openTileLoaded[row] = true;
        }

        var hashSize = hash.Length;
        hash.CopyTo(tile.AsSpan(MerkleTile.Slot(level, index) * hashSize, hashSize));
        if (MerkleTile.CompletesTile(level, index))
        {
            Span<byte> key = stackalloc byte[MerkleTile.KeyBytes];
            MerkleTile.WriteKey(key, _treeId, row, tileIndex);
            batch.Put(key, tile, _database.MerkleNodes);
            _openTileDirty[row] = false;
            if (row >= _upperRowMin)
            {
                _completedUpperTiles.Add((row, tileIndex, (byte[])tile.Clone()));
            }
        }
        else
        {
            _openTileDirty[row] = true;
        }
    }

    private readonly struct TileSink(MerkleTreeStore store, WriteBatch batch) : IMerkleNodeSink
    {
        public void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash) => store.OnNode(batch, level, index, hash);
    }
}
