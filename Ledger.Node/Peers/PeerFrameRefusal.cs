namespace Ledger.Node.Peers;

/// <summary>
/// Why a Raft message from a peer was dropped before it reached <c>RaftNode.Step</c>. Each value is a
/// bounded metric label (<see cref="PeerFrameRefusals.Label"/>); none echoes the peer's input.
/// </summary>
public enum PeerFrameRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>A proposal (<c>Prop</c>): peers cannot propose; submissions are forwarded through <c>Forward</c> and the door.</summary>
    ProposalFromPeer,

    /// <summary>A proposal carrying a membership change, or any other attempt by a peer to change the membership.</summary>
    MembershipChangeFromPeer,

    /// <summary>A request to move leadership (<c>TransferLeader</c>): only the local leader decides that.</summary>
    LeadershipTransferFromPeer,

    /// <summary>A kind the core produces only locally (Hup, Beat, Unreachable, SnapStatus, CheckQuorum).</summary>
    LocalOnlyType,

    /// <summary>A <c>Snap</c> message on the Raft stream: snapshots travel only through <c>InstallSnapshot</c>.</summary>
    SnapshotOutsideInstall,

    /// <summary>A term of 0 where one is required, or beyond <see cref="PeerMessageBounds.TermMax"/>.</summary>
    TermOutOfRange,

    /// <summary>A leader's message (App, Heartbeat, TimeoutNow, ReadIndexResp) from a node that does not lead that term as far as this node knows.</summary>
    NotFromLeader,

    /// <summary>A vote request from a node that is not a voter in this node's configuration.</summary>
    SenderNotVoter,

    /// <summary>
    /// A response or read request this node's role no longer expects (an append response at a node that
    /// stopped leading, a late pre-vote answer, a read sent to a leader that stepped down). Honest peers
    /// produce these around every election, so they are counted but not warned about.
    /// </summary>
    StaleForRole,

    /// <summary>App entries whose indexes are not consecutive from the message's index + 1.</summary>
    EntriesNotContiguous,

    /// <summary>An entry term of 0, decreasing, below the message's log term or above the message's term; or a log term above the term.</summary>
    EntryTermInvalid,

    /// <summary>More entries in one message than <see cref="PeerMessageBounds.EntriesPerAppendMax"/>.</summary>
    TooManyEntries,

    /// <summary>More entry bytes in one message than <see cref="PeerMessageBounds.EntryBytesPerAppendMax"/>.</summary>
    EntriesTooLarge,

    /// <summary>A membership-change entry whose bytes do not decode.</summary>
    ConfChangeUndecodable,

    /// <summary>A context of the wrong length for the message kind.</summary>
    ContextInvalid,

    /// <summary>An index or hint beyond what this node sent or holds (an append response claiming entries the leader never had).</summary>
    IndexOutOfRange,

    /// <summary>A field the message kind never carries (entries on a heartbeat, a snapshot on a vote).</summary>
    UnexpectedField,

    /// <summary>An entry refused by a pluggable append-entry check (<see cref="IAppendEntryCheck"/>).</summary>
    EntryRefused,

    /// <summary>The message passed validation but <c>RaftNode.Step</c> threw on it: dropped, the node keeps running.</summary>
    StepFailed,

    /// <summary>
    /// An acknowledged-watermark claim no honest node can make: a gossiped or refusal watermark of a term beyond the
    /// message's term, or a vote request's watermark not below the candidate's term (see <c>PeerMessageValidator</c>).
    /// </summary>
    WatermarkImpossible,
}

/// <summary>Metric labels for <see cref="PeerFrameRefusal"/>: fixed snake_case strings, one per value.</summary>
public static class PeerFrameRefusals
{
    public static string Label(PeerFrameRefusal refusal) => refusal switch
    {
        PeerFrameRefusal.None => "none",
        PeerFrameRefusal.ProposalFromPeer => "proposal_from_peer",
        PeerFrameRefusal.MembershipChangeFromPeer => "membership_change_from_peer",
        PeerFrameRefusal.LeadershipTransferFromPeer => "leadership_transfer_from_peer",
        PeerFrameRefusal.LocalOnlyType => "local_only_type",
        PeerFrameRefusal.SnapshotOutsideInstall => "snapshot_outside_install",
        PeerFrameRefusal.TermOutOfRange => "term_out_of_range",
        PeerFrameRefusal.NotFromLeader => "not_from_leader",
        PeerFrameRefusal.SenderNotVoter => "sender_not_voter",
        PeerFrameRefusal.StaleForRole => "stale_for_role",
        PeerFrameRefusal.EntriesNotContiguous => "entries_not_contiguous",
        PeerFrameRefusal.EntryTermInvalid => "entry_term_invalid",
        PeerFrameRefusal.TooManyEntries => "too_many_entries",
        PeerFrameRefusal.EntriesTooLarge => "entries_too_large",
        PeerFrameRefusal.ConfChangeUndecodable => "conf_change_undecodable",
        PeerFrameRefusal.ContextInvalid => "context_invalid",
        PeerFrameRefusal.IndexOutOfRange => "index_out_of_range",
        PeerFrameRefusal.UnexpectedField => "unexpected_field",
        PeerFrameRefusal.EntryRefused => "entry_refused",
        PeerFrameRefusal.StepFailed => "step_failed",
        PeerFrameRefusal.WatermarkImpossible => "watermark_impossible",
        _ => "unknown",
    };
}
