namespace Ledger.Consensus;

/// <summary>
/// The durable log a <see cref="RaftNode"/> reads through. The host writes to it (entries, hard state,
/// snapshots from each <see cref="Ready"/>); Raft only reads. Implementations must be consistent
/// with what the host persisted: after a crash they return exactly the durable prefix.
/// Indexes: the snapshot (or a dummy position) sits at <c>FirstIndex()-1</c>; entries occupy
/// [<c>FirstIndex()</c>, <c>LastIndex()</c>]; an empty log has <c>LastIndex() == FirstIndex()-1</c>.
/// </summary>
public interface IRaftLogStorage
{
    /// <summary>Persisted hard state and the membership as of the latest snapshot or applied conf change.</summary>
    RaftInitialState InitialState();

    /// <summary>
    /// Entries in [<paramref name="low"/>, <paramref name="high"/>), cut so their total
    /// <see cref="Entry.SizeBytes"/> stays within <paramref name="maxBytes"/> but always at least one entry.
    /// Throws <see cref="RaftLogCompactedException"/> if <paramref name="low"/> &lt; FirstIndex,
    /// <see cref="RaftLogUnavailableException"/> if <paramref name="high"/> &gt; LastIndex + 1.
    /// </summary>
    IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes);

    /// <summary>
    /// Term of the entry at <paramref name="index"/>, valid for [FirstIndex-1, LastIndex].
    /// Throws <see cref="RaftLogCompactedException"/> below, <see cref="RaftLogUnavailableException"/> above.
    /// </summary>
    ulong Term(ulong index);

    ulong FirstIndex();

    ulong LastIndex();

    /// <summary>The most recent snapshot; may throw <see cref="RaftSnapshotTemporarilyUnavailableException"/>.</summary>
    Snapshot Snapshot();
}
