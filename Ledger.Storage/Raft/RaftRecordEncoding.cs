using System.Buffers.Binary;
using Ledger.Consensus;

namespace Ledger.Storage.Raft;

/// <summary>
/// Byte layouts of Raft records at rest. Fixed-width big-endian. Every record starts with a CRC-32C
/// of the rest (<see cref="RaftRecordChecksum"/>), and an entry also carries its own index, so a
/// value that is damaged, or sound but under the wrong key, is caught on read. Each decode checks
/// the checksum, then its length, and throws <see cref="RaftRecordFormatException"/> on any mismatch.
/// </summary>
internal static class RaftRecordEncoding
{
    private const int Checksum = RaftRecordChecksum.Bytes;

    /// <summary>Entry record: checksum (u32), index (u64), term (u64), type (u8), data (rest).</summary>
    private const int EntryHeaderBytes = Checksum + sizeof(ulong) + sizeof(ulong) + 1;

    private const int EntryIndexOffset = Checksum;
    private const int EntryTermOffset = EntryIndexOffset + sizeof(ulong);
    private const int EntryTypeOffset = EntryTermOffset + sizeof(ulong);

    /// <summary>
    /// Hard state record: checksum, term, vote, commit, recovery reason (u8), recovery target index and term,
    /// watermark count (u32), then per watermark node id, index and term (u64 each).
    /// </summary>
    private const int HardStateFixedBytes = Checksum + (3 * sizeof(ulong)) + 1 + (2 * sizeof(ulong)) + sizeof(uint);

    private const int WatermarkBytes = 3 * sizeof(ulong);

    /// <summary>Log start record: checksum, index, term.</summary>
    private const int PositionBytes = Checksum + (2 * sizeof(ulong));

    public static int EncodedEntryBytes(Entry entry) => checked(EntryHeaderBytes + entry.Data.Length);

    /// <summary>Writes the entry's record into <paramref name="destination"/> (at least <see cref="EncodedEntryBytes"/> long) and returns its length.</summary>
    public static int EncodeEntry(Entry entry, Span<byte> destination)
    {
        var length = EncodedEntryBytes(entry);
        var record = destination[..length];
        BinaryPrimitives.WriteUInt64BigEndian(record[EntryIndexOffset..], entry.Index);
        BinaryPrimitives.WriteUInt64BigEndian(record[EntryTermOffset..], entry.Term);
        record[EntryTypeOffset] = (byte)entry.Type;
        entry.Data.Span.CopyTo(record[EntryHeaderBytes..]);
        RaftRecordChecksum.Seal(record);
        return length;
    }

    /// <summary>Decodes the record stored under <paramref name="index"/>; its checksum, length, index and type are verified.</summary>
    public static Entry DecodeEntry(ulong index, byte[] bytes)
    {
        var term = VerifyEntry(index, bytes);
        var type = bytes[EntryTypeOffset];
        if (type > (byte)EntryType.ConfChange)
        {
            throw new RaftRecordFormatException($"unknown entry type {type}");
        }

        return new Entry(term, index, (EntryType)type, bytes.AsMemory(EntryHeaderBytes));
    }

    /// <summary>The term of the record stored under <paramref name="index"/>, verified like <see cref="DecodeEntry"/>.</summary>
    public static ulong DecodeEntryTerm(ulong index, ReadOnlySpan<byte> bytes) => VerifyEntry(index, bytes);

    private static ulong VerifyEntry(ulong index, ReadOnlySpan<byte> bytes)
    {
        RaftRecordChecksum.Verify(bytes);
        if (bytes.Length < EntryHeaderBytes)
        {
            throw new RaftRecordFormatException($"{bytes.Length} bytes, shorter than the {EntryHeaderBytes}-byte entry header");
        }

        var recordedIndex = BinaryPrimitives.ReadUInt64BigEndian(bytes[EntryIndexOffset..]);
        if (recordedIndex != index)
        {
            throw new RaftRecordFormatException($"the record under index {index} is entry {recordedIndex}");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes[EntryTermOffset..]);
    }

    public static byte[] EncodeHardState(HardState state)
    {
        var watermarks = state.Watermarks.Items;
        var bytes = new byte[HardStateFixedBytes + (watermarks.Count * WatermarkBytes)];
        var body = bytes.AsSpan(Checksum);
        BinaryPrimitives.WriteUInt64BigEndian(body, state.Term);
        BinaryPrimitives.WriteUInt64BigEndian(body[8..], state.Vote);
        BinaryPrimitives.WriteUInt64BigEndian(body[16..], state.Commit);
        body[24] = (byte)state.Recovery;
        BinaryPrimitives.WriteUInt64BigEndian(body[25..], state.RecoveryTarget.Index);
        BinaryPrimitives.WriteUInt64BigEndian(body[33..], state.RecoveryTarget.Term);
        BinaryPrimitives.WriteUInt32BigEndian(body[41..], (uint)watermarks.Count);
        var offset = 45;
        foreach (var watermark in watermarks)
        {
            BinaryPrimitives.WriteUInt64BigEndian(body[offset..], watermark.NodeId);
            BinaryPrimitives.WriteUInt64BigEndian(body[(offset + 8)..], watermark.Position.Index);
            BinaryPrimitives.WriteUInt64BigEndian(body[(offset + 16)..], watermark.Position.Term);
            offset += WatermarkBytes;
        }

        RaftRecordChecksum.Seal(bytes);
        return bytes;
    }

    public static HardState DecodeHardState(byte[] bytes)
    {
        RaftRecordChecksum.Verify(bytes);
        if (bytes.Length < HardStateFixedBytes)
        {
            throw new RaftRecordFormatException($"{bytes.Length} bytes, shorter than the {HardStateFixedBytes}-byte hard state");
        }

        var body = bytes.AsSpan(Checksum);
        var recovery = body[24];
        if (recovery > (byte)RecoveryReason.HardStateLost)
        {
            throw new RaftRecordFormatException($"unknown recovery reason {recovery}");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(body[41..]);
        if (count > AcknowledgedWatermarks.NodesMax)
        {
            throw new RaftRecordFormatException($"hard state claims {count} watermarks, more than {AcknowledgedWatermarks.NodesMax}");
        }

        RequireLength(bytes, HardStateFixedBytes + ((int)count * WatermarkBytes));
        var watermarks = new AcknowledgedWatermark[count];
        var offset = 45;
        for (var i = 0; i < watermarks.Length; i++)
        {
            watermarks[i] = new AcknowledgedWatermark(
                BinaryPrimitives.ReadUInt64BigEndian(body[offset..]),
                new LogPosition(BinaryPrimitives.ReadUInt64BigEndian(body[(offset + 8)..]), BinaryPrimitives.ReadUInt64BigEndian(body[(offset + 16)..])));
            offset += WatermarkBytes;
        }

        AcknowledgedWatermarks set;
        try
        {
            set = AcknowledgedWatermarks.Of(watermarks);
        }
        catch (ArgumentException ex)
        {
            throw new RaftRecordFormatException($"invalid watermarks: {ex.Message}");
        }

        return new HardState(
            BinaryPrimitives.ReadUInt64BigEndian(body),
            BinaryPrimitives.ReadUInt64BigEndian(body[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(body[16..]))
        {
            Recovery = (RecoveryReason)recovery,
            RecoveryTarget = new LogPosition(BinaryPrimitives.ReadUInt64BigEndian(body[25..]), BinaryPrimitives.ReadUInt64BigEndian(body[33..])),
            Watermarks = set,
        };
    }

    public static byte[] EncodePosition(ulong index, ulong term)
    {
        var bytes = new byte[PositionBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(Checksum), index);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(Checksum + 8), term);
        RaftRecordChecksum.Seal(bytes);
        return bytes;
    }

    public static (ulong Index, ulong Term) DecodePosition(byte[] bytes)
    {
        RaftRecordChecksum.Verify(bytes);
        RequireLength(bytes, PositionBytes);
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(Checksum)), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(Checksum + 8)));
    }

    /// <summary>Membership record: checksum, then <see cref="WriteConfState"/>'s layout.</summary>
    public static byte[] EncodeConfState(ConfState state)
    {
        var bytes = new byte[Checksum + ConfStateBytes(state)];
        WriteConfState(bytes.AsSpan(Checksum), state);
        RaftRecordChecksum.Seal(bytes);
        return bytes;
    }

    public static ConfState DecodeConfState(byte[] bytes)
    {
        RaftRecordChecksum.Verify(bytes);
        var state = ReadConfState(bytes.AsSpan(Checksum), out var consumed);
        if (Checksum + consumed != bytes.Length)
        {
            throw new RaftRecordFormatException($"membership record has {bytes.Length - Checksum - consumed} trailing bytes");
        }

        return state;
    }

    /// <summary>Snapshot record: checksum, index (u64), term (u64), membership, data (rest).</summary>
    public static byte[] EncodeSnapshot(Snapshot snapshot)
    {
        var confBytes = ConfStateBytes(snapshot.Metadata.ConfState);
        var bytes = new byte[Checksum + 16 + confBytes + snapshot.Data.Length];
        var body = bytes.AsSpan(Checksum);
        BinaryPrimitives.WriteUInt64BigEndian(body, snapshot.Metadata.Index);
        BinaryPrimitives.WriteUInt64BigEndian(body[8..], snapshot.Metadata.Term);
        WriteConfState(body[16..], snapshot.Metadata.ConfState);
        snapshot.Data.Span.CopyTo(body[(16 + confBytes)..]);
        RaftRecordChecksum.Seal(bytes);
        return bytes;
    }

    public static Snapshot DecodeSnapshot(byte[] bytes)
    {
        RaftRecordChecksum.Verify(bytes);
        if (bytes.Length < Checksum + 24)
        {
            throw new RaftRecordFormatException($"snapshot record is {bytes.Length} bytes, too short");
        }

        var body = bytes.AsSpan(Checksum);
        var index = BinaryPrimitives.ReadUInt64BigEndian(body);
        var term = BinaryPrimitives.ReadUInt64BigEndian(body[8..]);
        var conf = ReadConfState(body[16..], out var consumed);
        return new Snapshot(new SnapshotMetadata(index, term, conf), bytes.AsMemory(Checksum + 16 + consumed));
    }

    /// <summary>Layout: voter count (u32), voters (u64 each), learner count (u32), learners.</summary>
    private static int ConfStateBytes(ConfState state) => 8 + (8 * (state.Voters.Length + state.Learners.Length));

    private static void WriteConfState(Span<byte> destination, ConfState state)
    {
        var offset = WriteIds(destination, 0, state.Voters);
        WriteIds(destination, offset, state.Learners);
    }

    private static ConfState ReadConfState(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var voters = ReadIds(bytes, 0, out var offset);
        var learners = ReadIds(bytes, offset, out consumed);
        return new ConfState(voters, learners);
    }

    private static int WriteIds(Span<byte> bytes, int offset, ulong[] ids)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes[offset..], (uint)ids.Length);
        offset += 4;
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes[offset..], id);
            offset += 8;
        }

        return offset;
    }

    private static ulong[] ReadIds(ReadOnlySpan<byte> bytes, int offset, out int end)
    {
        if (bytes.Length < offset + 4)
        {
            throw new RaftRecordFormatException("membership record is truncated");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
        offset += 4;
        if (count > 4096 || bytes.Length < offset + (8 * (int)count))
        {
            throw new RaftRecordFormatException($"membership record claims {count} ids but is truncated");
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

    private static void RequireLength(byte[] bytes, int expected)
    {
        if (bytes.Length != expected)
        {
            throw new RaftRecordFormatException($"{bytes.Length} bytes, expected {expected}");
        }
    }
}
