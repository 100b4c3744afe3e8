namespace Ledger.Consensus;

public enum ProposalDropReason : byte
{
    /// <summary>No known leader to append or forward to.</summary>
    NoLeader = 1,

    /// <summary>The leader is handing leadership over (§3.10) and accepts nothing new.</summary>
    LeaderTransferring = 2,

    /// <summary>Uncommitted entry bytes at the leader reached <see cref="RaftConfig.MaxUncommittedEntriesBytes"/>.</summary>
    UncommittedBytesLimit = 3,

    /// <summary>This follower is configured not to forward proposals.</summary>
    ForwardingDisabled = 4,

    /// <summary>A membership change is already pending, or the leader has not committed an entry in its term yet (§4.1).</summary>
    ConfChangePending = 5,

    /// <summary>The leader was removed from the configuration.</summary>
    NotMember = 6,

    /// <summary>Too many ReadIndex requests are queued.</summary>
    TooManyPendingReads = 7,

    /// <summary>The membership change is malformed or would leave the cluster without voters.</summary>
    InvalidConfChange = 8,
}
