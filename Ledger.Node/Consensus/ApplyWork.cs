using Ledger.Consensus;

namespace Ledger.Node.Consensus;

internal enum ApplyWorkKind : byte
{
    Entry,
    ConfChange,
    Snapshot,
}

/// <summary>
/// One committed item for the apply stage, in log order: a normal entry, a conf change entry (already
/// applied to the Raft node by the drive loop, recorded here so the state machine sees it in its
/// place between normal entries), or a snapshot to restore before every later entry.
/// </summary>
internal readonly struct ApplyWork
{
    private ApplyWork(ApplyWorkKind kind, Entry? entry, ConfChange change, ConfState? resulting, Snapshot? snapshot)
    {
        Kind = kind;
        Entry = entry;
        Change = change;
        Resulting = resulting;
        Snapshot = snapshot;
    }

    public ApplyWorkKind Kind { get; }

    public Entry? Entry { get; }

    public ConfChange Change { get; }

    public ConfState? Resulting { get; }

    public Snapshot? Snapshot { get; }

    /// <summary>Raft index this item brings the state machine to.</summary>
    public ulong Index => Kind == ApplyWorkKind.Snapshot ? Snapshot!.Metadata.Index : Entry!.Index;

    /// <summary>Bytes counted against the apply queue's byte bound.</summary>
    public long SizeBytes => Kind == ApplyWorkKind.Snapshot ? Snapshot!.Data.Length + Ledger.Consensus.Entry.OverheadBytes : Entry!.SizeBytes;

    public static ApplyWork ForEntry(Entry entry) => new(ApplyWorkKind.Entry, entry, default, null, null);

    public static ApplyWork ForConfChange(Entry entry, ConfChange change, ConfState resulting) =>
        new(ApplyWorkKind.ConfChange, entry, change, resulting, null);

    public static ApplyWork ForSnapshot(Snapshot snapshot) => new(ApplyWorkKind.Snapshot, null, default, null, snapshot);
}
