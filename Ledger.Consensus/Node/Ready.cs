namespace Ledger.Consensus;

/// <summary>
/// A batch of work the host must carry out for a <see cref="RaftNode"/>, obtained from
/// <see cref="RaftNode.GetReady"/> and acknowledged with <see cref="RaftNode.Advance"/>.
/// </summary>
/// <remarks>
/// <para>Ordering contract (the host loop must follow it exactly):</para>
/// <list type="number">
/// <item>Send <see cref="MessagesBeforePersist"/> whenever convenient: before, while or after persisting step 2.
/// They depend on nothing this Ready persists. They are a leader's appends and heartbeats (dissertation §10.2.1:
/// the leader writes its log in parallel with replicating it; a follower storing entries the leader then loses
/// in a crash is harmless, because the leader counts itself toward a commit quorum only once the host reports its
/// entries durable through <see cref="RaftNode.Advance"/>, so no commit index sent anywhere exceeds what a quorum
/// has durably stored). Whenever this Ready changes the term or vote, or installs a snapshot, this list is empty.</item>
/// <item>If <see cref="Snapshot"/> is set, install it in storage (and restore the state machine from it) first. Append
/// <see cref="Entries"/> to storage (truncating any conflicting suffix) and save <see cref="HardState"/> if set. When
/// <see cref="MustSync"/> is true these writes must be durable (fsync) before step 3.</item>
/// <item>Only then send <see cref="MessagesAfterPersist"/>: votes, vote responses, append responses and everything
/// else that may promise what step 2 persisted (a vote granted, entries acknowledged). None may leave before it.
/// Messages to unreachable peers may be dropped; report them with <see cref="RaftNode.ReportUnreachable"/>.</item>
/// <item>Apply <see cref="CommittedEntries"/> in order, after step 2 (some may be in this very Ready's
/// <see cref="Entries"/>). For a <see cref="EntryType.ConfChange"/> entry call <see cref="RaftNode.ApplyConfChange"/>
/// and persist the returned <see cref="ConfState"/> with the applied index.</item>
/// <item>Serve <see cref="ReadStates"/> once the applied index reaches each <see cref="ReadState.Index"/>.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this same instance. No other Ready is produced until then.</item>
/// </list>
/// <para>Lifetime: a Ready and everything it carries — the entry slices, the message lists and the entries of each
/// message — are valid until <see cref="RaftNode.Advance"/>. The node then reuses that memory (this is what keeps the
/// steady state free of copies): reading the message lists of an advanced Ready throws
/// <see cref="InvalidOperationException"/>, and reading a recycled entry window throws
/// <see cref="StaleEntrySliceException"/>; neither ever shows other data. A host that keeps messages longer (a queue
/// drained by another thread, a simulated network) keeps <see cref="Message.Detach"/> copies.</para>
/// </remarks>
public sealed class Ready
{
    private readonly List<Message> messagesBeforePersist;
    private readonly List<Message> messagesAfterPersist;

    internal Ready(
        SoftState? softState,
        HardState? hardState,
        EntrySlice entries,
        Snapshot? snapshot,
        EntrySlice committedEntries,
        List<Message> messagesBeforePersist,
        List<Message> messagesAfterPersist,
        List<ReadState> readStates,
        bool mustSync)
    {
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        CommittedEntries = committedEntries;
        this.messagesBeforePersist = messagesBeforePersist;
        this.messagesAfterPersist = messagesAfterPersist;
        ReadStates = readStates;
        MustSync = mustSync;
    }

    /// <summary>New leader/role, or null when unchanged. Never persisted.</summary>
    public SoftState? SoftState { get; }

    /// <summary>Term, vote and commit to persist, or null when unchanged.</summary>
    public HardState? HardState { get; }

    /// <summary>Entries to append to stable storage before sending <see cref="MessagesAfterPersist"/>.</summary>
    public EntrySlice Entries { get; }

    /// <summary>Snapshot to install before appending <see cref="Entries"/>, or null.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Entries known committed, to apply in order after persistence. May be a part of them: the rest follow.</summary>
    public EntrySlice CommittedEntries { get; }

    /// <summary>
    /// Messages that may be sent before (or while) this Ready is persisted: a leader's appends, heartbeats and
    /// snapshots. Report undeliverable peers with <see cref="RaftNode.ReportUnreachable"/>.
    /// </summary>
    public IReadOnlyList<Message> MessagesBeforePersist => Advanced
        ? throw new InvalidOperationException("The Ready was advanced; its messages were handed back to the node.")
        : messagesBeforePersist;

    /// <summary>
    /// Messages to send only after this Ready's snapshot, entries and hard state are persisted. A
    /// <see cref="MessageType.Snap"/> message's <see cref="Snapshot.Data"/> is opaque to Raft (it may be a handle the
    /// transport streams); report its outcome with <see cref="RaftNode.ReportSnapshot"/>.
    /// </summary>
    public IReadOnlyList<Message> MessagesAfterPersist => Advanced
        ? throw new InvalidOperationException("The Ready was advanced; its messages were handed back to the node.")
        : messagesAfterPersist;

    /// <summary>Answers to ReadIndex requests.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>True when the hard state's term or vote, the entries or the snapshot changed: the writes must be fsynced.</summary>
    public bool MustSync { get; }

    /// <summary>True when this Ready persists nothing (no snapshot, entries or hard state).</summary>
    public bool PersistsNothing => Snapshot is null && Entries.IsEmpty && HardState is null;

    internal bool Advanced { get; private set; }

    internal static readonly List<ReadState> NoReadStates = [];

    /// <summary>Called by Advance: the lists go back to the node for reuse.</summary>
    internal void MarkAdvanced()
    {
        Advanced = true;
        messagesBeforePersist.Clear();
        messagesAfterPersist.Clear();
    }
}
