using System.Buffers.Binary;

namespace Ledger.Storage.Raft;

/// <summary>Key layout of the Raft column families: entries by big-endian index (so iteration is in log order), and fixed names for state.</summary>
internal static class RaftLogKeys
{
    public const int EntryKeyBytes = sizeof(ulong);

    public static ReadOnlySpan<byte> HardState => "hard_state"u8;

    /// <summary>Index and term of the position just before the first stored entry (the snapshot or compaction point).</summary>
    public static ReadOnlySpan<byte> LogStart => "log_start"u8;

    public static ReadOnlySpan<byte> ConfState => "conf_state"u8;

    public static ReadOnlySpan<byte> Snapshot => "snapshot"u8;

    /// <summary>Present once damage to the Raft records was found (<see cref="RaftDamageRecord"/>); the node refuses to start while it is.</summary>
    public static ReadOnlySpan<byte> Damage => "damage"u8;

    /// <summary>
    /// Boot counter (8 bytes, big-endian), bumped and synced at every open (<see cref="LedgerDatabase.Incarnation"/>).
    /// Here and not in <c>meta</c>: it belongs to this node like its term and vote, and a state snapshot
    /// (which carries <c>meta</c>) must not replace it with the sender's.
    /// </summary>
    public static ReadOnlySpan<byte> Incarnation => "incarnation"u8;

    /// <summary>Present once a running node found damage outside the Raft records (<see cref="LedgerDatabase.RecordDamage"/>); every open fails while it is.</summary>
    public static ReadOnlySpan<byte> LocalDamage => "local_damage"u8;

    public static void WriteEntryKey(Span<byte> destination, ulong index) => BinaryPrimitives.WriteUInt64BigEndian(destination, index);

    public static byte[] EntryKey(ulong index)
    {
        var key = new byte[EntryKeyBytes];
        WriteEntryKey(key, index);
        return key;
    }
}
