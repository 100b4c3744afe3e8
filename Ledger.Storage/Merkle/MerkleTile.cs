using System.Buffers.Binary;

namespace Ledger.Storage.Merkle;

/// <summary>
/// On-disk layout of a Merkle tree: complete-subtree hashes grouped into tiles of
/// <see cref="Height"/> levels. The tile at (base level 4r, tile index t) holds, for j = 0..3, the
/// nodes (4r + j, i) with i in [t·2^(4-j), (t+1)·2^(4-j)): 16 + 8 + 4 + 2 = 30 hashes. One key per
/// tile instead of one per node cuts RocksDB keys per leaf from 2 to about 1/15, and a proof path
/// crosses one tile per four levels, so it reads about log2(n)/4 values.
/// Key: [tree id][base level][tile index, big-endian u64] (10 bytes), so tiles of one level sort by index.
/// Value: the 30 hashes, level-major; slots of nodes not yet complete are zero and never read.
/// </summary>
internal static class MerkleTile
{
    public const int Height = 4;
    public const int BaseWidth = 1 << Height;
    public const int HashCount = (2 * BaseWidth) - 2;
    public const int KeyBytes = 2 + sizeof(ulong);

    // Rows cover levels 0..63 (a tree of up to 2^64 leaves).
    public const int RowCount = 64 / Height;

    public static int Row(int level) => level / Height;

    /// <summary>Index of the tile holding node (level, index).</summary>
    public static ulong TileIndex(int level, ulong index) => index >> (Height - (level % Height));

    /// <summary>Position of node (level, index) among the tile's hashes.</summary>
    public static int Slot(int level, ulong index)
    {
        var levelInTile = level % Height;
        var width = BaseWidth >> levelInTile;
        var levelOffset = (2 * BaseWidth) - (2 * BaseWidth >> levelInTile);
        return levelOffset + (int)(index & (ulong)(width - 1));
    }

    /// <summary>True when node (level, index) is the last node of its tile to be completed.</summary>
    public static bool CompletesTile(int level, ulong index) => level % Height == Height - 1 && (index & 1) == 1;

    public static void WriteKey(Span<byte> destination, byte treeId, int row, ulong tileIndex)
    {
        destination[0] = treeId;
        destination[1] = (byte)(row * Height);
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], tileIndex);
    }
}
