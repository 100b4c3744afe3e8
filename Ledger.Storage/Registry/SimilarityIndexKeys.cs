using System.Buffers.Binary;
using Ledger.Registry.Similarity;

namespace Ledger.Storage.Registry;

/// <summary>
/// Keys of the <c>similarity_index</c> column family (derived from the registry state, never part of
/// the state root or a state snapshot):
/// <code>
/// [j][rotated hash, uint64 BE][source, uint40 BE][item, uint32 BE]   table j entry, empty value (18 bytes)
/// [0x80][source, uint40 BE]                                          the source's transaction hash (32 bytes)
/// [0xE0][height, uint64 BE]                                          a block's images still to index (<see cref="SimilarityPendingRecord"/>)
/// [0xF0]                                                             status (<see cref="SimilarityIndexStatus"/>)
/// </code>
/// The apply path writes only the pending record of each block (one small put, in the block's own
/// write batch); the background <see cref="SimilarityIndexer"/> turns pending records into table
/// entries and deletes them, in one write batch with the status.
/// Table j (j &lt; <see cref="PerceptualHashIndexLayout.SubstringCountMax"/>) holds each image once, its
/// hash rotated left by substring j's offset, so one bucket is one key range. A source is a number
/// the index gives each registering transaction, so an entry names its work in 9 bytes instead of 36
/// (the 32-byte transaction hash is stored once per transaction, not once per image and table).
/// </summary>
internal static class SimilarityIndexKeys
{
    public const int EntryKeyBytes = 1 + sizeof(ulong) + SourceBytes + sizeof(uint);

    /// <summary>Sources are 40-bit: a trillion registering transactions.</summary>
    public const int SourceBytes = 5;

    public const ulong SourceMax = (1UL << (8 * SourceBytes)) - 1;

    public const byte SourcePrefix = 0x80;

    public const int SourceKeyBytes = 1 + SourceBytes;

    public const byte PendingPrefix = 0xE0;

    public const int PendingKeyBytes = 1 + sizeof(ulong);

    public static ReadOnlySpan<byte> Status => [0xF0];

    /// <summary>The first key past every table entry, source and pending record (a reset deletes [0x00, this)).</summary>
    public static ReadOnlySpan<byte> ClearEnd => [0xF0];

    public static byte[] Pending(ulong height)
    {
        var key = new byte[PendingKeyBytes];
        key[0] = PendingPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        return key;
    }

    /// <summary>The height of a pending-record key; false for any other key.</summary>
    public static bool TryReadPending(ReadOnlySpan<byte> key, out ulong height)
    {
        if (key.Length != PendingKeyBytes || key[0] != PendingPrefix)
        {
            height = 0;
            return false;
        }

        height = BinaryPrimitives.ReadUInt64BigEndian(key[1..]);
        return true;
    }

    /// <summary>Writes table entry key of <paramref name="table"/> into <paramref name="destination"/> (<see cref="EntryKeyBytes"/> bytes).</summary>
    public static void WriteEntry(Span<byte> destination, int table, ulong rotatedHash, ulong source, uint item)
    {
        destination[0] = (byte)table;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], rotatedHash);
        WriteSource(destination[(1 + sizeof(ulong))..], source);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(1 + sizeof(ulong) + SourceBytes)..], item);
    }

    public static byte[] Entry(int table, ulong rotatedHash, ulong source, uint item)
    {
        var key = new byte[EntryKeyBytes];
        key[0] = (byte)table;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), rotatedHash);
        WriteSource(key.AsSpan(1 + sizeof(ulong)), source);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + sizeof(ulong) + SourceBytes), item);
        return key;
    }

    /// <summary>The seek key of the first possible entry of table j at or above <paramref name="rotatedHash"/>.</summary>
    public static byte[] EntrySeek(int table, ulong rotatedHash)
    {
        var key = new byte[1 + sizeof(ulong)];
        key[0] = (byte)table;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), rotatedHash);
        return key;
    }

    /// <summary>Reads a table entry key; false when it is not one of table <paramref name="table"/> (the caller says how that is wrong).</summary>
    public static bool TryReadEntry(ReadOnlySpan<byte> key, int table, out PerceptualHashTableEntry entry)
    {
        if (key.Length != EntryKeyBytes || key[0] != table)
        {
            entry = default;
            return false;
        }

        var source = ReadSource(key[(1 + sizeof(ulong))..]);
        var item = BinaryPrimitives.ReadUInt32BigEndian(key[(1 + sizeof(ulong) + SourceBytes)..]);
        entry = new PerceptualHashTableEntry(BinaryPrimitives.ReadUInt64BigEndian(key[1..]), new ImageReference(source, item));
        return true;
    }

    public static byte[] Source(ulong source)
    {
        var key = new byte[SourceKeyBytes];
        key[0] = SourcePrefix;
        WriteSource(key.AsSpan(1), source);
        return key;
    }

    public static ulong ReadSource(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (var i = 0; i < SourceBytes; i++)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }

    private static void WriteSource(Span<byte> destination, ulong source)
    {
        if (source > SourceMax)
        {
            throw new InvalidOperationException($"similarity index source {source} exceeds {SourceMax}");
        }

        for (var i = SourceBytes - 1; i >= 0; i--)
        {
            destination[i] = (byte)source;
            source >>= 8;
        }
    }
}
