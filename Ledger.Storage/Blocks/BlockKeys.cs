using System.Buffers.Binary;

namespace Ledger.Storage.Blocks;

/// <summary>
/// Keys of the <c>blocks</c> column family: a record kind byte, then the height as big-endian u64,
/// so each kind iterates in height order. The header and hash are kept apart from the full block so
/// header reads and link checks do not parse every transaction.
/// </summary>
internal static class BlockKeys
{
    public const int KeyBytes = 1 + sizeof(ulong);
    public const byte Block = (byte)'B';
    public const byte Header = (byte)'H';
    public const byte Hash = (byte)'X';

    /// <summary>tx_index value: height (u64) then position (u32), big-endian.</summary>
    public const int LocationBytes = sizeof(ulong) + sizeof(uint);

    public static void Write(Span<byte> destination, byte kind, ulong height)
    {
        destination[0] = kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], height);
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
