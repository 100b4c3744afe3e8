using System.Collections.Concurrent;

namespace Ledger.Storage.Merkle;

/// <summary>
/// Keeps complete tiles of the upper rows in memory. A complete tile never changes (the tree is
/// append-only), so entries need no invalidation. Upper rows are small — at 1.5 billion leaves,
/// rows from level 12 up hold about 23,000 tiles (22 MB) — and every proof crosses them, so caching
/// them removes half of a proof's RocksDB reads at ten million leaves.
/// </summary>
internal sealed class CompleteTileCache
{
    /// <summary>Rows below this (levels 0..11) are numerous and read from RocksDB's block cache.</summary>
    public const int RowMin = 3;

    /// <summary>Bound on cached tiles (about 60 MB of SHA-256 tiles); beyond it tiles are read from RocksDB.</summary>
    public const int EntriesMax = 65_536;

    private readonly ConcurrentDictionary<(int Row, ulong TileIndex), byte[]> _tiles = new();

    public static bool IsCacheable(int row) => row >= RowMin;

    public bool TryGet(int row, ulong tileIndex, out byte[] tile) => _tiles.TryGetValue((row, tileIndex), out tile!);

    public void Add(int row, ulong tileIndex, byte[] tile)
    {
        if (_tiles.Count < EntriesMax)
        {
            _tiles.TryAdd((row, tileIndex), tile);
        }
    }
}
