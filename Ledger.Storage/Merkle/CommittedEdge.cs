namespace Ledger.Storage.Merkle;

/// <summary>
/// Immutable copy of each row's open (rightmost, usually partial) tile as of the committed size.
/// Proofs at any committed size read their right-border nodes here instead of from RocksDB: a
/// partial tile at a larger committed size holds every node the smaller size needs, unchanged.
/// </summary>
internal sealed class CommittedEdge(ulong treeSize, ulong[] tileIndexes, byte[]?[] tiles)
{
    public static readonly CommittedEdge Empty = new(0, new ulong[MerkleTile.RowCount], new byte[]?[MerkleTile.RowCount]);

    public ulong TreeSize { get; } = treeSize;

    public bool TryGet(int row, ulong tileIndex, out byte[] tile)
    {
        var candidate = tiles[row];
        if (candidate is not null && tileIndex == tileIndexes[row])
        {
            tile = candidate;
            return true;
        }

        tile = null!;
        return false;
    }
}
