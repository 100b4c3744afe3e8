using System.Collections.Concurrent;

namespace Ledger.Storage.Merkle;

/// <summary>
/// Keeps complete tiles of the upper rows in memory. A complete tile never changes (the tree is
/// append-only), so entries need no invalidation. Which rows are cached follows the tree size: the
/// lowest row from which all tiles up to the root fit in <see cref="EntriesMax"/> (at ten million
/// leaves every row above the leaves, about 42,000 tiles; at 1.5 billion, rows from level 12 up,
/// about 23,000 tiles). Every proof crosses all of those rows, so caching them leaves a proof one
/// or two RocksDB reads for the bottom rows.
/// </summary>
internal sealed class CompleteTileCache
{
    /// <summary>Bound on cached tiles (about 60 MB of SHA-256 tiles).</summary>
    public const int EntriesMax = 65_536;

    private readonly ConcurrentDictionary<(int Row, ulong TileIndex), byte[]> _tiles = new();
    private readonly Lock _rowMinLock = new();
    private int _rowMin = MerkleTile.RowCount;

    /// <summary>The lowest cached row for a tree of <paramref name="treeSize"/> leaves; rows below it are read from RocksDB.</summary>
    public int RowMinFor(ulong treeSize)
    {
        ulong tilesFromRow = 0;
        var rowMin = MerkleTile.RowCount;
        for (var row = MerkleTile.RowCount - 1; row >= 0; row--)
        {
            var shift = (row + 1) * MerkleTile.Height;
            tilesFromRow += shift >= 64 ? 0 : (treeSize >> shift) + 1;
            if (tilesFromRow > EntriesMax)
            {
                break;
            }

            rowMin = row;
        }

        var current = Volatile.Read(ref _rowMin);
        if (current == MerkleTile.RowCount || rowMin > current)
        {
            Raise(rowMin);
        }

        return Volatile.Read(ref _rowMin);
    }

    public bool TryGet(int row, ulong tileIndex, out byte[] tile) => _tiles.TryGetValue((row, tileIndex), out tile!);

    public void Add(int row, ulong tileIndex, byte[] tile)
    {
        if (_tiles.Count < EntriesMax)
        {
            _tiles.TryAdd((row, tileIndex), tile);
        }
    }

    private void Raise(int rowMin)
    {
        lock (_rowMinLock)
        {
            // The cached band only moves up as the tree grows; drop rows that left it to make room.
            if (_rowMin != MerkleTile.RowCount && rowMin <= _rowMin)
            {
                return;
            }

            foreach (var key in _tiles.Keys)
            {
                if (key.Row < rowMin)
                {
                    _tiles.TryRemove(key, out _);
                }
            }

            Volatile.Write(ref _rowMin, rowMin);
        }
    }
}
