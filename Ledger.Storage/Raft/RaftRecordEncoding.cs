using System.Buffers.Binary;
using Ledger.Consensus;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Raft;

/// <summary>Byte layouts of Raft records at rest. Fixed-width big-endian; each decode checks its length.</summary>
internal static class RaftRecordEncoding
{
    private const int EntryHeaderBytes = sizeof(ulong) + 1;

    public static int EncodedEntryBytes(Entry entry) => checked(EntryHeaderBytes + entry.Data.Length);

    /// <summary>Writes the entry's record into <paramref name="destination"/> (at least <see cref="EncodedEntryBytes"/> long) and returns its length.</summary>
    public static int EncodeEntry(Entry entry, Span<byte> destination)
    {
        var length = EncodedEntryBytes(entry);
        BinaryPrimitives.WriteUInt64BigEndian(destination, entry.Term);
        destination[sizeof(ulong)] = (byte)entry.Type;
        entry.Data.Span.CopyTo(destination[EntryHeaderBytes..length]);
        return length;
    }

    public static Entry DecodeEntry(ulong index, byte[] bytes)
    {
        if (bytes.Length < EntryHeaderBytes)
        {
            throw new StorageCorruptionException($"raft entry {index} is {bytes.Length} bytes, shorter than its {EntryHeaderBytes}-byte header");
        }

        var type = bytes[sizeof(ulong)];
        if (type > (byte)EntryType.ConfChange)
        {
            throw new StorageCorruptionException($"raft entry {index} has unknown type {type}");
        }

        return new Entry(BinaryPrimitives.ReadUInt64BigEndian(bytes), index, (EntryType)type, bytes.AsMemory(EntryHeaderBytes));
    }

    public static ulong DecodeEntryTerm(ulong index, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < EntryHeaderBytes)
        {
            throw new StorageCorruptionException($"raft entry {index} is {bytes.Length} bytes, shorter than its {EntryHeaderBytes}-byte header");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    public static byte[] EncodeHardState(HardState state)
    {
        var bytes = new byte[3 * sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, state.Term);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), state.Vote);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), state.Commit);
        return bytes;
    }

    public static HardState DecodeHardState(byte[] bytes)
    {
        RequireLength(bytes, 3 * sizeof(ulong), "hard state");
        return new HardState(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)),
            BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(16)));
    }

    public static byte[] EncodePosition(ulong index, ulong term)
    {
        var bytes = new byte[2 * sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, index);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), term);
        return bytes;
    }

    public static (ulong Index, ulong Term) DecodePosition(byte[] bytes)
    {
        RequireLength(bytes, 2 * sizeof(ulong), "log start");
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)));
    }

    /// <summary>Layout: voter count (u32), voters (u64 each), learner count (u32), learners.</summary>
    public static byte[] EncodeConfState(ConfState state)
    {
        var bytes = new byte[8 + (8 * (state.Voters.Length + state.Learners.Length))];
        var offset = WriteIds(bytes, 0, state.Voters);
        WriteIds(bytes, offset, state.Learners);
        return bytes;
    }

    public static ConfState DecodeConfState(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var voters = ReadIds(bytes, 0, out var offset);
        var learners = ReadIds(bytes, offset, out consumed);
        return new ConfState(voters, learners);
    }

    /// <summary>Layout: index (u64), term (u64), conf state, data (rest).</summary>
    public static byte[] EncodeSnapshot(Snapshot snapshot)
    {
        var conf = EncodeConfState(snapshot.Metadata.ConfState);
        var bytes = new byte[16 + conf.Length + snapshot.Data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, snapshot.Metadata.Index);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), snapshot.Metadata.Term);
        conf.CopyTo(bytes.AsSpan(16));
        snapshot.Data.Span.CopyTo(bytes.AsSpan(16 + conf.Length));
        return bytes;
    }

    public static Snapshot DecodeSnapshot(byte[] bytes)
    {
        if (bytes.Length < 24)
        {
            throw new StorageCorruptionException($"raft snapshot record is {bytes.Length} bytes, too short");
        }

        var index = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var term = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8));
        var conf = DecodeConfState(bytes.AsSpan(16), out var consumed);
        return new Snapshot(new SnapshotMetadata(index, term, conf), bytes.AsMemory(16 + consumed));
    }

    private static int WriteIds(byte[] bytes, int offset, ulong[] ids)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), (uint)ids.Length);
        offset += 4;
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), id);
            offset += 8;
        }

        return offset;
    }

    private static ulong[] ReadIds(ReadOnlySpan<byte> bytes, int offset, out int end)
    {
        if (bytes.Length < offset + 4)
        {
            throw new StorageCorruptionException("raft membership record is truncated");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
        offset += 4;
        if (count > 4096 || bytes.Length < offset + (8 * (int)count))
        {
            throw new StorageCorruptionException($"raft membership record claims {count} ids but is truncated");
        }

        var ids = new ulong[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[offset..]);
            offset += 8;
        }

        end = offset;
        return ids;
    }

    private static void RequireLength(byte[] bytes, int expected, string what)
    {
        if (bytes.Length != expected)
        {
            throw new StorageCorruptionException($"raft {what} record is {bytes.Length} bytes, expected {expected}");
        }
    }
}
