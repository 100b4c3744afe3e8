namespace Ledger.Consensus;

/// <summary>
/// A batch of work the host must carry out for a <see cref="RaftNode"/>, obtained from
/// <see cref="RaftNode.GetReady"/> and acknowledged with <see cref="RaftNode.Advance"/>.
/// </summary>
/// <remarks>
/// <para>Ordering contract (the host loop must follow it exactly):</para>
/// <list type="number">
/// <item>If <see cref="Snapshot"/> is set, install it in storage (and restore the state machine from it) first.</item>
/// <item>Append <see cref="Entries"/> to storage (truncating any conflicting suffix) and save <see cref="HardState"/>
/// if set. When <see cref="MustSync"/> is true these writes must be durable (fsync) before step 3.</item>
/// <item>Only then send <see cref="Messages"/>. Every message may depend on the persistence above (a vote granted,
/// entries acknowledged), so none may leave before it. Messages to unreachable peers may be dropped; report them
/// with <see cref="RaftNode.ReportUnreachable"/>.</item>
/// <item>Apply <see cref="CommittedEntries"/> in order, after step 2 (some may be in this very Ready's
/// <see cref="Entries"/>). For a <see cref="EntryType.ConfChange"/> entry call <see cref="RaftNode.ApplyConfChange"/>
/// and persist the returned <see cref="ConfState"/> with the applied index.</item>
/// <item>Serve <see cref="ReadStates"/> once the applied index reaches each <see cref="ReadState.Index"/>.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this same instance. No other Ready is produced until then.</item>
/// </list>
/// <para>The lists are owned by this Ready and are never mutated after it is handed out.</para>
/// </remarks>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState? hardState,
        Entry[] entries,
        Snapshot? snapshot,
        Entry[] committedEntries,
        List<Message> messages,
        List<ReadState> readStates,
        bool mustSync)
    {
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        CommittedEntries = committedEntries;
        Messages = messages;
        ReadStates = readStates;
        MustSync = mustSync;
    }

    /// <summary>New leader/role, or null when unchanged. Never persisted.</summary>
    public SoftState? SoftState { get; }

    /// <summary>Term, vote and commit to persist, or null when unchanged.</summary>
    public HardState? HardState { get; }

    /// <summary>Entries to append to stable storage before sending <see cref="Messages"/>.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Snapshot to install before appending <see cref="Entries"/>, or null.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Entries known committed, to apply in order after persistence.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; }

    /// <summary>
    /// Messages to send after persistence. A <see cref="MessageType.Snap"/> message's <see cref="Snapshot.Data"/> is
    /// opaque to Raft (it may be a handle the transport streams); report its outcome with
    /// <see cref="RaftNode.ReportSnapshot"/>, and report undeliverable peers with <see cref="RaftNode.ReportUnreachable"/>.
    /// </summary>
    public IReadOnlyList<Message> Messages { get; }

    /// <summary>Answers to ReadIndex requests.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>True when the hard state's term or vote, the entries or the snapshot changed: the writes must be fsynced.</summary>
    public bool MustSync { get; }

    internal static readonly List<Message> NoMessages = [];
    internal static readonly List<ReadState> NoReadStates = [];
}
