namespace Ledger.Consensus;

/// <summary>
/// A Raft message. Every field is plain data so the host's transport can serialize it.
/// Unused fields keep their defaults.
/// </summary>
public sealed class Message
{
    public MessageType Type { get; init; }

    public ulong To { get; init; }

    public ulong From { get; init; }

    /// <summary>Sender's term; 0 only for local messages. A PreVote carries the term the sender would campaign in.</summary>
    public ulong Term { get; init; }

    /// <summary>App: term of the entry at <see cref="Index"/>. Vote/PreVote: candidate's last log term.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>App: index preceding <see cref="Entries"/>. AppResp: last index accepted, or the rejected index.
    /// Vote/PreVote: candidate's last log index. ReadIndexResp: the read index.</summary>
    public ulong Index { get; init; }

    /// <summary>
    /// App: the entries; Prop: the proposals. A window onto the sender's log is valid only until the Ready
    /// carrying this message is advanced (see <see cref="EntrySlice"/>); <see cref="Detach"/> makes a copy that lasts.
    /// </summary>
    public EntrySlice Entries { get; init; }

    public ulong Commit { get; init; }

    public Snapshot? Snapshot { get; init; }

    public bool Reject { get; init; }

    /// <summary>AppResp reject: index the follower suggests probing from (fast backtracking, dissertation §5.3).</summary>
    public ulong RejectHintIndex { get; init; }

    /// <summary>AppResp reject: term of the follower's entry at <see cref="RejectHintIndex"/> (0 if none).</summary>
    public ulong RejectHintTerm { get; init; }

    /// <summary>ReadIndex request context, heartbeat read-round tag, or the campaign-transfer marker.</summary>
    public ReadOnlyMemory<byte> Context { get; init; }

    /// <summary>
    /// The sender's incarnation (<see cref="RaftConfig.Incarnation"/>; 0 = not tracked). Every message a node sends
    /// carries it; a leader that sees a follower's incarnation change knows it restarted and re-probes it from scratch.
    /// </summary>
    public ulong Incarnation
    {
        get => incarnation;
        init => incarnation = value;
    }

    /// <summary>The sender is recovering (<see cref="RaftStatus.Recovering"/>): a leader does not count its acknowledgements toward commit.</summary>
    public bool Recovering
    {
        get => recovering;
        init => recovering = value;
    }

    /// <summary>
    /// Vote/PreVote: the position the candidate knows the recipient acknowledged (a voter whose log is behind it
    /// refuses and recovers). VoteResp/PreVoteResp reject: the position the voter knows the candidate acknowledged,
    /// when the candidate's log is behind it. <see cref="LogPosition.None"/> otherwise.
    /// </summary>
    public LogPosition AckedWatermark { get; init; }

    /// <summary>
    /// App/Heartbeat: when not 0, every other voter has answered this leader in its term since it first heard the
    /// recipient at this incarnation. A node that lost its hard state waits for this, naming its own incarnation,
    /// before it votes again (a statement about an earlier incarnation says nothing about its restart).
    /// </summary>
    public ulong VotersHeardIncarnation { get; init; }

    /// <summary>App/Heartbeat: the acknowledged watermarks the leader knows (see <see cref="AcknowledgedWatermarks"/>).</summary>
    public AcknowledgedWatermarks Watermarks
    {
        get => watermarks ?? AcknowledgedWatermarks.Empty;
        init => watermarks = value;
    }

    private AcknowledgedWatermarks? watermarks;
    private ulong incarnation;
    private bool recovering;

    /// <summary>The node stamps what it says about itself on every message it sends (see <c>RaftNode.Send</c>).</summary>
    internal void StampSender(ulong senderIncarnation, bool senderRecovering)
    {
        incarnation = senderIncarnation;
        recovering = senderRecovering;
    }

    /// <summary>This message if it owns its entries, otherwise a copy whose entries are copied: keep that one past Advance.</summary>
    public Message Detach() => Entries.IsWindow
        ? new Message
        {
            Type = Type,
            To = To,
            From = From,
            Term = Term,
            LogTerm = LogTerm,
            Index = Index,
            Entries = Entries.Detach(),
            Commit = Commit,
            Snapshot = Snapshot,
            Reject = Reject,
            RejectHintIndex = RejectHintIndex,
            RejectHintTerm = RejectHintTerm,
            Context = Context,
            Incarnation = Incarnation,
            Recovering = Recovering,
            AckedWatermark = AckedWatermark,
            VotersHeardIncarnation = VotersHeardIncarnation,
            Watermarks = Watermarks,
        }
        : this;

    /// <summary>A copy of this message with every field kept (entries shared, not copied).</summary>
    public Message Clone() => new()
    {
        Type = Type,
        To = To,
        From = From,
        Term = Term,
        LogTerm = LogTerm,
        Index = Index,
        Entries = Entries,
        Commit = Commit,
        Snapshot = Snapshot,
        Reject = Reject,
        RejectHintIndex = RejectHintIndex,
        RejectHintTerm = RejectHintTerm,
        Context = Context,
        Incarnation = Incarnation,
        Recovering = Recovering,
        AckedWatermark = AckedWatermark,
        VotersHeardIncarnation = VotersHeardIncarnation,
        Watermarks = Watermarks,
    };

    public override string ToString() =>
        $"{Type} {From}->{To} t{Term} lt{LogTerm} i{Index} c{Commit} n{Entries.Length}{(Reject ? $" reject hint={RejectHintIndex}/{RejectHintTerm}" : string.Empty)}{(Recovering ? " recovering" : string.Empty)}{(AckedWatermark.IsNone ? string.Empty : $" acked={AckedWatermark}")}";
}
