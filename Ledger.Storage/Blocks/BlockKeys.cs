using System.Buffers.Binary;

namespace Ledger.Storage.Blocks;

/// <summary>
/// Keys of the <c>blocks</c> column family: a record kind byte, then the height as big-endian u64
/// (and, for a transaction record, its position in the block as big-endian u32), so each kind
/// iterates in height (and position) order. The header and hash are kept apart from the
/// transactions so header reads and link checks do not parse any transaction.
/// <para>
/// Since format version 7 a block's body is one <see cref="Transaction"/> record per transaction
/// (<see cref="TransactionRecord"/>): finding one transaction reads that record, whatever else its
/// block holds. Directories of version 6 keep a whole-block <see cref="LegacyBlock"/> record for
/// each block written before their upgrade; those still read.
/// </para>
/// </summary>
internal static class BlockKeys
{
    public const int KeyBytes = 1 + sizeof(ulong);

    /// <summary>Key of a transaction record: kind, height, position.</summary>
    public const int TransactionKeyBytes = KeyBytes + sizeof(uint);

    /// <summary>The whole block (header, transactions, results) as its protobuf bytes: format version 6 and before.</summary>
    public const byte LegacyBlock = (byte)'B';
    public const byte Header = (byte)'H';
    public const byte Hash = (byte)'X';

    /// <summary>
    /// One transaction of a block with its result (<see cref="TransactionRecord"/>), keyed by height and position.
    /// Its kind sorts before the header and hash kinds, as the whole-block record's did, so a table file of
    /// this family still begins with cold bodies and keeps the headers and hashes every open reads together after them.
    /// </summary>
    public const byte Transaction = (byte)'C';

    /// <summary>
    /// The result of a large transaction alone (<see cref="ResultRecord"/>), keyed by height and position like its
    /// <see cref="Transaction"/> record: an inclusion proof needs the leaf (hash and result), not a batch's ~0.7 MB
    /// of items. Optional: records written before it existed are read whole.
    /// </summary>
    public const byte Result = (byte)'R';

    /// <summary>tx_index value: height (u64) then position (u32), big-endian.</summary>
    public const int LocationBytes = sizeof(ulong) + sizeof(uint);

    public static void Write(Span<byte> destination, byte kind, ulong height)
    {
        destination[0] = kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], height);
    }

    public static void WriteTransaction(Span<byte> destination, ulong height, uint position)
    {
        Write(destination, Transaction, height);
        BinaryPrimitives.WriteUInt32BigEndian(destination[KeyBytes..], position);
    }

    public static byte[] TransactionKey(ulong height, uint position)
    {
        var key = new byte[TransactionKeyBytes];
        WriteTransaction(key, height, position);
        return key;
    }

    public static byte[] ResultKey(ulong height, uint position)
    {
        var key = new byte[TransactionKeyBytes];
        Write(key, Result, height);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(KeyBytes), position);
        return key;
    }

    public static byte[] Location(ulong height, uint position)
    {
        var value = new byte[LocationBytes];
        BinaryPrimitives.WriteUInt64BigEndian(value, height);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(sizeof(ulong)), position);
        return value;
    }

    public static (ulong Height, uint Position) ReadLocation(ReadOnlySpan<byte> value) =>
        (BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[sizeof(ulong)..]));
}
