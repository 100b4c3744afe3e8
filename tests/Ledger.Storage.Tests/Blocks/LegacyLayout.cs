using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Storage.Blocks;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>
/// Turns a store's blocks into the layout of format version 6, which differs from version 7 only
/// there: each block one whole-block record ('B' and the height: the block's protobuf bytes, header
/// included) instead of one record per transaction; header, hash, index and log tree as they are.
/// </summary>
internal static class LegacyLayout
{
    public const uint FormatVersion = 6;

    public static byte[] BlockKey(ulong height)
    {
        var key = new byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.LegacyBlock, height);
        return key;
    }

    /// <summary>
    /// Rewrites every stored block of <paramref name="store"/> as version 6 wrote it, and stamps the directory
    /// <paramref name="stamp"/>: 6, or 7 for a version-6 directory an earlier build restamped on open without rewriting it.
    /// </summary>
    public static void Convert(LedgerDatabase database, BlockStore store, uint stamp = FormatVersion)
    {
        using var batch = new WriteBatch();
        for (var height = BlockStore.FirstHeight; height <= store.LatestHeight; height++)
        {
            var block = store.GetBlock(height)!;
            batch.Put(BlockKey(height), block.ToByteArray(), database.Blocks);
            for (var position = 0u; position < block.Header.TxCount; position++)
            {
                batch.Delete(BlockKeys.TransactionKey(height, position), database.Blocks);
            }
        }

        var version = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(version, stamp);
        batch.Put("format_version"u8.ToArray(), version, database.Meta);
        database.Write(batch);
    }

    public static uint StoredFormatVersion(LedgerDatabase database) =>
        BinaryPrimitives.ReadUInt32BigEndian(database.Get(database.Meta, "format_version"u8)!);
}
