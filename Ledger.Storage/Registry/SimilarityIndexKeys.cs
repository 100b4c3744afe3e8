using System.Buffers.Binary;
using Ledger.Registry.Similarity;

namespace Ledger.Storage.Registry;

/// <summary>
/// Keys of the <c>similarity_index</c> column family (derived from the registry state, never part of
/// the state root or a state snapshot):
/// <code>
/// [j][rotated hash, uint64 BE][image ordinal, uint40 BE]   table j entry, empty value (14 bytes)
/// [0x80][first ordinal, uint40 BE]                         a source: transaction hash (32) | ordinals it spans, uint32 BE
/// [0xE0][height, uint64 BE]                                a block's images still to index (<see cref="SimilarityPendingRecord"/>)
/// [0xF0]                                                   status (<see cref="SimilarityIndexStatus"/>)
/// </code>
/// The apply path writes only the pending record of each block (one small put, in the block's own
/// write batch); the background <see cref="SimilarityIndexer"/> turns pending records into table
/// entries and deletes them, in one write batch with the status.
/// Table j (j &lt; <see cref="PerceptualHashIndexLayout.SubstringCountMax"/>) holds each image once, its
/// hash rotated left by substring j's offset, so one bucket is one key range. The index gives each
/// registering transaction a range of image ordinals (first ordinal + item index, spanning its
/// highest indexed item + 1), so an entry names its work in 5 bytes instead of 36: the source
/// record at or below the ordinal (a reverse seek) holds the transaction hash once per transaction.
/// </summary>
internal static class SimilarityIndexKeys
{
    public const int EntryKeyBytes = 1 + sizeof(ulong) + SourceBytes;

    /// <summary>Image ordinals are 40-bit: a trillion batch items (a batch spans its item count at most).</summary>
    public const int SourceBytes = 5;

    public const ulong SourceMax = (1UL << (8 * SourceBytes)) - 1;

    /// <summary>A source record's value: the transaction hash and the ordinals it spans.</summary>
    public const int SourceValueBytes = 32 + sizeof(uint);

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
    public static void WriteEntry(Span<byte> destination, int table, ulong rotatedHash, ulong ordinal)
    {
        destination[0] = (byte)table;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], rotatedHash);
        WriteSource(destination[(1 + sizeof(ulong))..], ordinal);
    }

    public static byte[] Entry(int table, ulong rotatedHash, ulong ordinal)
    {
        var key = new byte[EntryKeyBytes];
        WriteEntry(key, table, rotatedHash, ordinal);
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

        entry = new PerceptualHashTableEntry(BinaryPrimitives.ReadUInt64BigEndian(key[1..]), new ImageReference(ReadSource(key[(1 + sizeof(ulong))..]), 0));
        return true;
    }

    public static byte[] SourceValue(ReadOnlySpan<byte> txHash, uint span)
    {
        var value = new byte[SourceValueBytes];
        txHash.CopyTo(value);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(32), span);
        return value;
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
            throw new InvalidOperationException($"similarity index image ordinal {source} exceeds {SourceMax}");
        }

        for (var i = SourceBytes - 1; i >= 0; i--)
        {
            destination[i] = (byte)source;
            source >>= 8;
        }
    }
}
