using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>Reads and rewrites stored transaction records directly, through RocksDB (whose own checksums stay valid), to damage them.</summary>
internal static class TransactionRecords
{
    public static byte[] ReadRaw(LedgerDatabase database, ulong height, uint position) =>
        database.Get(database.Blocks, BlockKeys.TransactionKey(height, position)) ?? throw new InvalidOperationException($"no transaction record {position} of block {height}");

    public static void WriteRaw(LedgerDatabase database, ulong height, uint position, byte[] record)
    {
        using var batch = new WriteBatch();
        batch.Put(BlockKeys.TransactionKey(height, position), record, database.Blocks);
        database.Write(batch);
    }

    /// <summary>Writes a well-formed record, sealed for (<paramref name="height"/>, <paramref name="position"/>), holding whatever it is given.</summary>
    public static void Write(LedgerDatabase database, ulong height, uint position, SignedTransaction transaction, TransactionResult result)
    {
        var key = BlockKeys.TransactionKey(height, position);
        var record = new byte[TransactionRecord.Length(transaction, result, out var transactionBytes)];
        TransactionRecord.Write(record, key, transaction, transactionBytes, result);
        WriteRaw(database, height, position, record);
    }
}
