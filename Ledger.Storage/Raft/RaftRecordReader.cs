using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Raft;

/// <summary>
/// Reads Raft records and turns every way they can fail — RocksDB's own checksum, a missing record,
/// a record that fails <see cref="RaftRecordEncoding"/>'s checks — into one
/// <see cref="RaftLogCorruptionException"/> naming the record and its column family. Shared by the
/// log storage and the snapshot code that reads the Raft records from its own consistent view.
/// </summary>
internal static class RaftRecordReader
{
    public static string EntryName(ulong index) => $"entry {index}";

    /// <summary>Decodes a <c>raft_state</c> record called <paramref name="record"/>.</summary>
    public static T DecodeState<T>(LedgerDatabase database, string record, byte[] bytes, Func<byte[], T> decode)
    {
        try
        {
            return decode(bytes);
        }
        catch (RaftRecordFormatException e)
        {
            throw StateDamage(database, record, e.Message, e);
        }
    }

    /// <summary>Decodes the <c>raft_log</c> record stored under <paramref name="index"/>.</summary>
    public static T DecodeEntry<T>(LedgerDatabase database, ulong index, byte[] bytes, Func<ulong, byte[], T> decode)
    {
        try
        {
            return decode(index, bytes);
        }
        catch (RaftRecordFormatException e)
        {
            throw EntryDamage(database, index, e.Message, e);
        }
    }

    /// <summary>The value under <paramref name="key"/> (null when absent); RocksDB-detected corruption becomes damage of that record.</summary>
    public static byte[]? Get(LedgerDatabase database, ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key, Func<StorageCorruptionException, RaftLogCorruptionException> damage)
    {
        try
        {
            return database.Get(columnFamily, key);
        }
        catch (StorageCorruptionException e)
        {
            throw damage(e);
        }
    }

    public static RaftLogCorruptionException StateDamage(LedgerDatabase database, string record, string problem, Exception? inner = null) =>
        new(database.DataDirectory, ColumnFamilyNames.RaftState, record, index: null, problem, inner);

    public static RaftLogCorruptionException EntryDamage(LedgerDatabase database, ulong index, string problem, Exception? inner = null) =>
        new(database.DataDirectory, ColumnFamilyNames.RaftLog, EntryName(index), index, problem, inner);
}
