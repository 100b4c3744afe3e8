using Ledger.Core.Merkle;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Merkle;

/// <summary>
/// Reads complete-subtree hashes of one committed tree size from stored tiles, remembering the last
/// tile per row (a proof touches each row's tile once or twice). One instance per root or proof.
/// </summary>
internal sealed class StoredSubtreeReader(
    LedgerDatabase database, CompleteTileCache cache, CommittedEdge edge, IMerkleRangeMemo? memo, byte treeId, int tileBytes, int hashSizeBytes, ulong treeSize)
    : IMerkleSubtreeReader, IMerkleRangeMemo
{
    private readonly byte[]?[] _tiles = new byte[]?[MerkleTile.RowCount];
    private readonly ulong[] _tileIndex = new ulong[MerkleTile.RowCount];
    private readonly int _cachedRowMin = cache.RowMinFor(treeSize);

    public ulong TreeSize { get; } = treeSize;

    public void ReadSubtreeHash(int level, ulong index, Span<byte> destination)
    {
        if (level < 0 || level >= 64 || index >= (TreeSize >> level))
        {
            throw new InvalidOperationException($"subtree ({level}, {index}) is not complete in a tree of {TreeSize} leaves");
        }

        var row = MerkleTile.Row(level);
        var tileIndex = MerkleTile.TileIndex(level, index);
        var tile = _tiles[row];
        if (tile is null || _tileIndex[row] != tileIndex)
        {
            tile = Load(row, tileIndex);
            _tiles[row] = tile;
            _tileIndex[row] = tileIndex;
        }

        tile.AsSpan(MerkleTile.Slot(level, index) * hashSizeBytes, hashSizeBytes).CopyTo(destination);
    }

    public void ReadTile(int row, ulong tileIndex, Span<byte> destination) => Load(row, tileIndex).CopyTo(destination);

    public bool TryGetRangeHash(ulong start, ulong count, Span<byte> destination) => memo?.TryGetRangeHash(start, count, destination) ?? false;

    public void RememberRangeHash(ulong start, ulong count, ReadOnlySpan<byte> hash) => memo?.RememberRangeHash(start, count, hash);

    private byte[] Load(int row, ulong tileIndex)
    {
        if (edge.TreeSize >= TreeSize && edge.TryGet(row, tileIndex, out var edgeTile))
        {
            return edgeTile;
        }

        var cacheable = row >= _cachedRowMin && IsComplete(row, tileIndex);
        if (cacheable && cache.TryGet(row, tileIndex, out var cached))
        {
            return cached;
        }

        var tile = LoadStored(row, tileIndex);
        if (cacheable)
        {
            cache.Add(row, tileIndex, tile);
        }

        return tile;
    }

    private bool IsComplete(int row, ulong tileIndex)
    {
        var baseCount = TreeSize >> (row * MerkleTile.Height);
        return tileIndex < (baseCount >> MerkleTile.Height);
    }

    private byte[] LoadStored(int row, ulong tileIndex)
    {
        Span<byte> key = stackalloc byte[MerkleTile.KeyBytes];
        MerkleTile.WriteKey(key, treeId, row, tileIndex);
        var tile = database.Get(database.MerkleNodes, key)
            ?? throw new StorageCorruptionException($"merkle tree {treeId}: tile (level {row * MerkleTile.Height}, index {tileIndex}) is missing at size {TreeSize}");
        if (tile.Length != tileBytes)
        {
            throw new StorageCorruptionException($"merkle tree {treeId}: tile (level {row * MerkleTile.Height}, index {tileIndex}) has {tile.Length} bytes, expected {tileBytes}");
        }

        return tile;
    }
}
