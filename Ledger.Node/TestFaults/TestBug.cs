namespace Ledger.Node.TestFaults;

/// <summary>
/// TEST ONLY. Deliberate faults a chaos run plants in a node to prove its checker catches them (issue 16,
/// "mutation check"). Chosen by <c>Node:TestBugs</c> and honoured only with <see cref="TestBugs.EnableVariable"/>
/// set (see <see cref="TestBugs"/>); <see cref="None"/> otherwise. The node-level counterpart of
/// <c>Ledger.Consensus.RaftBugs</c>.
/// </summary>
[Flags]
public enum TestBug
{
    None = 0,

    /// <summary>
    /// <c>ack-before-commit</c>: the leader applies the entries it appends as soon as its own write is done,
    /// without waiting for a quorum, so the submitter gets a receipt for an entry that may never commit
    /// (a leader cut off from its followers still answers, and a later leader overwrites what it answered).
    /// </summary>
    AckBeforeCommit = 1 << 0,

    /// <summary>
    /// <c>skip-raft-fsync</c>: the Raft log's writes (entries and hard state) are acknowledged before they are
    /// durable. Emulated so that process death loses them, as power loss loses unsynced writes: see
    /// <see cref="DeferredRaftWrites"/>.
    /// </summary>
    SkipRaftFsync = 1 << 1,

    /// <summary>
    /// <c>local-read-as-linearizable</c>: a read asking for LINEARIZABLE consistency is answered from this
    /// node's applied state without the ReadIndex round, so a deposed leader or a lagging follower answers stale.
    /// </summary>
    LocalReadAsLinearizable = 1 << 2,

    /// <summary>
    /// <c>apply-twice-after-restart</c>: at start-up the recovered applied index is one too low, so the last
    /// entry applied before the restart is applied a second time (an off-by-one in recovery).
    /// </summary>
    ApplyTwiceAfterRestart = 1 << 3,
}
