using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Blocks;

/// <summary>
/// One transaction of a block and its result, stored under its own key (<see cref="BlockKeys.WriteTransaction"/>:
/// height, position), so a lookup by hash reads this record alone, never its block's other transactions.
/// <para>
/// Layout: <c>checksum (u32 BE) | transaction length (u32 BE) | transaction | result</c>, where the
/// transaction is its canonical protobuf bytes (detached batch items included, as accepted) and the
/// result its protobuf bytes. The checksum is CRC-32C (<see cref="Crc32C"/>) over the record's KEY
/// followed by everything after the checksum: a flipped byte anywhere in the record fails it, and so
/// does a whole record that lands under another key (a record of another block or position, written
/// there by a misdirected write or copied by a bug), because it was sealed for the key it was written under.
/// </para>
/// <para>
/// The checksum is the first line only. It says the bytes are the ones written for this key, not that
/// they are what the chain committed to: readers also check the transaction's hash and its log leaf
/// (hash and result) against the hash-chained header (<see cref="BlockStore.FindTransaction"/>: an
/// inclusion path to the header's log_root; <see cref="BlockStore.GetBlock"/>: the tx_root). Detached
/// batch items are covered by the checksum only: neither the transaction hash nor the leaf covers them
/// (the signed body commits to them through its merkle_root, which the registry checks at apply).
/// </para>
/// </summary>
internal static class TransactionRecord
{
    public const int ChecksumBytes = sizeof(uint);

    /// <summary>Bytes before the transaction: the checksum and the transaction's length.</summary>
    public const int PrefixBytes = ChecksumBytes + sizeof(uint);

    /// <summary>The record's length for <paramref name="transaction"/> and <paramref name="result"/>; <paramref name="transactionBytes"/> is the transaction's part.</summary>
    public static int Length(SignedTransaction transaction, TransactionResult result, out int transactionBytes)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(result);
        transactionBytes = transaction.CalculateSize();
        return checked(PrefixBytes + transactionBytes + result.CalculateSize());
    }

    /// <summary>
    /// Writes the record for <paramref name="key"/> into <paramref name="destination"/>, which must be exactly
    /// <see cref="Length"/> bytes (<paramref name="transactionBytes"/> as it gave).
    /// </summary>
    public static void Write(Span<byte> destination, ReadOnlySpan<byte> key, SignedTransaction transaction, int transactionBytes, TransactionResult result)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[ChecksumBytes..], (uint)transactionBytes);
        transaction.WriteTo(destination.Slice(PrefixBytes, transactionBytes));
        result.WriteTo(destination[(PrefixBytes + transactionBytes)..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Checksum(key, destination[ChecksumBytes..]));
    }

    /// <summary>
    /// The transaction and result of the record stored under <paramref name="key"/> (the transaction at
    /// <paramref name="position"/> of block <paramref name="height"/>), once its checksum holds for that key and
    /// it parses; otherwise <see cref="StorageCorruptionException"/> naming the height.
    /// </summary>
    public static (SignedTransaction Transaction, TransactionResult Result) Read(ReadOnlySpan<byte> key, byte[] record, ulong height, uint position)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Length < PrefixBytes)
        {
            throw Corrupt(height, position, $"has {record.Length} bytes, fewer than its {PrefixBytes}-byte prefix");
        }

        var stored = BinaryPrimitives.ReadUInt32BigEndian(record);
        var actual = Checksum(key, record.AsSpan(ChecksumBytes));
        if (stored != actual)
        {
            throw Corrupt(height, position, $"fails its checksum (stored {stored:x8}, computed {actual:x8} for this key): damaged, or written for another key");
        }

        var transactionBytes = BinaryPrimitives.ReadUInt32BigEndian(record.AsSpan(ChecksumBytes));
        if (transactionBytes > (uint)(record.Length - PrefixBytes))
        {
            throw Corrupt(height, position, $"says its transaction has {transactionBytes} bytes, but only {record.Length - PrefixBytes} follow");
        }

        try
        {
            var transaction = SignedTransaction.Parser.ParseFrom(record, PrefixBytes, (int)transactionBytes);
            var resultStart = PrefixBytes + (int)transactionBytes;
            var result = TransactionResult.Parser.ParseFrom(record, resultStart, record.Length - resultStart);
            return (transaction, result);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StorageCorruptionException($"transaction record {position} of block {height} does not parse: {e.Message}", e, height);
        }
    }

    /// <summary>
    /// What a transaction's log leaf needs from its record, without parsing its detached batch items: the
    /// hashed part of the transaction (envelope and signature, fields 1 and 2) and the result, once the
    /// record's checksum holds for <paramref name="key"/> and both parse; otherwise
    /// <see cref="StorageCorruptionException"/>. Null hashed part when the stored transaction is not laid
    /// out as its canonical encoding (fields 1, 2, 3 in order, each once): the caller then reads it whole.
    /// </summary>
    public static (SignedTransaction? HashedPart, TransactionResult Result) ReadLeafParts(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record, ulong height, uint position)
    {
        if (record.Length < PrefixBytes)
        {
            throw Corrupt(height, position, $"has {record.Length} bytes, fewer than its {PrefixBytes}-byte prefix");
        }

        var stored = BinaryPrimitives.ReadUInt32BigEndian(record);
        var actual = Checksum(key, record[ChecksumBytes..]);
        if (stored != actual)
        {
            throw Corrupt(height, position, $"fails its checksum (stored {stored:x8}, computed {actual:x8} for this key): damaged, or written for another key");
        }

        var transactionBytes = BinaryPrimitives.ReadUInt32BigEndian(record[ChecksumBytes..]);
        if (transactionBytes > (uint)(record.Length - PrefixBytes))
        {
            throw Corrupt(height, position, $"says its transaction has {transactionBytes} bytes, but only {record.Length - PrefixBytes} follow");
        }

        var transaction = record.Slice(PrefixBytes, (int)transactionBytes);
        try
        {
            var result = TransactionResult.Parser.ParseFrom(record[(PrefixBytes + (int)transactionBytes)..]);
            var hashedLength = HashedPrefixLength(transaction);
            return (hashedLength < 0 ? null : SignedTransaction.Parser.ParseFrom(transaction[..hashedLength]), result);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StorageCorruptionException($"transaction record {position} of block {height} does not parse: {e.Message}", e, height);
        }
    }

    /// <summary>
    /// Bytes of <paramref name="transaction"/> before its detached items (field 3), when it is laid out as the
    /// canonical encoding writes it: length-delimited fields 1, 2, 3, ascending, each at most once, nothing else;
    /// otherwise -1.
    /// </summary>
    internal static int HashedPrefixLength(ReadOnlySpan<byte> transaction)
    {
        var offset = 0;
        var lastField = 0;
        while (offset < transaction.Length)
        {
            // Tags of fields 1..3 with wire type 2 are single bytes (0x0a, 0x12, 0x1a).
            var tag = transaction[offset];
            var field = tag >> 3;
            if ((tag & 7) != 2 || field is < 1 or > 3 || field <= lastField)
            {
                return -1;
            }

            if (field == 3)
            {
                return offset;
            }

            var (length, lengthBytes) = ReadLength(transaction[(offset + 1)..]);
            if (lengthBytes == 0 || length > (ulong)(transaction.Length - offset - 1 - lengthBytes))
            {
                return -1;
            }

            offset += 1 + lengthBytes + (int)length;
            lastField = field;
        }

        return offset;
    }

    // A varint of at most 5 bytes (lengths fit in 32 bits); (0, 0) when malformed.
    private static (ulong Value, int Bytes) ReadLength(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (var i = 0; i < Math.Min(5, bytes.Length); i++)
        {
            value |= (ulong)(bytes[i] & 0x7f) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                return (value, i + 1);
            }
        }

        return (0, 0);
    }

    private static uint Checksum(ReadOnlySpan<byte> key, ReadOnlySpan<byte> afterChecksum) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Initial, key), afterChecksum));

    private static StorageCorruptionException Corrupt(ulong height, uint position, string what) =>
        new($"transaction record {position} of block {height} {what}", height);
}
