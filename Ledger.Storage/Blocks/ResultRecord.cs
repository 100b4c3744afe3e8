using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Blocks;

/// <summary>
/// The result of one large transaction, stored beside its <see cref="TransactionRecord"/> under
/// <see cref="BlockKeys.Result"/> (same height and position), so an inclusion proof reads ~50 bytes instead of a
/// batch's ~0.7 MB blob (<see cref="BlockStore.FindTransactionLeaf"/>). Written for transaction records of at
/// least <see cref="TransactionRecordBytesMin"/> bytes only: a small record is as cheap to read whole.
/// <para>
/// Layout: <c>checksum (u32 BE) | result</c>, the checksum CRC-32C over the key and the result, as
/// <see cref="TransactionRecord"/> seals its records. A reader never trusts it alone: the leaf it gives (the
/// transaction hash asked for, with this result) must lead to the block header's log_root.
/// </para>
/// </summary>
internal static class ResultRecord
{
    /// <summary>Transaction records this large (those RocksDB keeps in blob files) get a result record.</summary>
    public const int TransactionRecordBytesMin = (int)LedgerDatabase.BlobValueBytesMin;

    public static byte[] Create(ReadOnlySpan<byte> key, TransactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var record = new byte[TransactionRecord.ChecksumBytes + result.CalculateSize()];
        result.WriteTo(record.AsSpan(TransactionRecord.ChecksumBytes));
        BinaryPrimitives.WriteUInt32BigEndian(record, Checksum(key, record.AsSpan(TransactionRecord.ChecksumBytes)));
        return record;
    }

    /// <summary>The result in <paramref name="record"/>, once its checksum holds for <paramref name="key"/> and it parses; otherwise <see cref="StorageCorruptionException"/>.</summary>
    public static TransactionResult Read(ReadOnlySpan<byte> key, byte[] record, ulong height, uint position)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Length < TransactionRecord.ChecksumBytes)
        {
            throw new StorageCorruptionException($"result record {position} of block {height} has {record.Length} bytes, fewer than its checksum", height);
        }

        var stored = BinaryPrimitives.ReadUInt32BigEndian(record);
        var actual = Checksum(key, record.AsSpan(TransactionRecord.ChecksumBytes));
        if (stored != actual)
        {
            throw new StorageCorruptionException($"result record {position} of block {height} fails its checksum (stored {stored:x8}, computed {actual:x8} for this key)", height);
        }

        try
        {
            return TransactionResult.Parser.ParseFrom(record.AsSpan(TransactionRecord.ChecksumBytes));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StorageCorruptionException($"result record {position} of block {height} does not parse: {e.Message}", e, height);
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> key, ReadOnlySpan<byte> result) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Initial, key), result));
}
