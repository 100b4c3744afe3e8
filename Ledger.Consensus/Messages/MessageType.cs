namespace Ledger.Consensus;

/// <summary>
/// Message kinds. "Local" kinds are produced by the node's own API and are refused by
/// <c>RaftNode.Step</c> when they arrive from the network.
/// </summary>
public enum MessageType : byte
{
    /// <summary>Local: start an election (what <c>Campaign()</c> and election timeouts do).</summary>
    Hup = 0,

    /// <summary>Local: leader should broadcast heartbeats.</summary>
    Beat = 1,

    /// <summary>A proposal, forwarded from a follower to the leader.</summary>
    Prop = 2,

    App = 3,
    AppResp = 4,
    Vote = 5,
    VoteResp = 6,
    Snap = 7,
    Heartbeat = 8,
    HeartbeatResp = 9,

    /// <summary>Local: the host reports that a peer could not be reached.</summary>
    Unreachable = 10,

    /// <summary>Local: the host reports the outcome of sending a snapshot.</summary>
    SnapStatus = 11,

    /// <summary>Local: leader checks it still hears from a quorum.</summary>
    CheckQuorum = 12,

    /// <summary>Request to transfer leadership to <c>From</c> (which is the target, as in etcd).</summary>
    TransferLeader = 13,

    /// <summary>Leader tells the transfer target to campaign at once.</summary>
    TimeoutNow = 14,

    ReadIndex = 15,
    ReadIndexResp = 16,
    PreVote = 17,
    PreVoteResp = 18,
}
