namespace Ledger.Simulation;

public enum ViolationKind
{
    /// <summary>Two leaders in one term.</summary>
    ElectionSafety,

    /// <summary>Two durable logs hold an entry with equal index and term but different data or history.</summary>
    LogMatching,

    /// <summary>A leader lacks an entry committed in an earlier term.</summary>
    LeaderCompleteness,

    /// <summary>Two nodes applied different entries (or reached different states) at one index.</summary>
    StateMachineSafety,

    /// <summary>A committed entry is no longer durable on a quorum after a crash.</summary>
    CommittedEntryLost,

    /// <summary>A commit or apply index went backwards within one incarnation, or apply skipped an index.</summary>
    Monotonicity,

    /// <summary>A snapshot's image disagrees with what was applied at its index.</summary>
    SnapshotMismatch,

    /// <summary>No leader committed a fresh proposal within the bound after the network healed.</summary>
    Liveness,

    /// <summary>Raft itself detected a broken invariant and threw.</summary>
    RaftInvariant,

    /// <summary>Any other exception escaped Raft or the host.</summary>
    UnexpectedException,
}
