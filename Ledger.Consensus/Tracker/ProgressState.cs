namespace Ledger.Consensus;

/// <summary>How the leader is currently feeding a follower's log.</summary>
public enum ProgressState : byte
{
    /// <summary>One append at a time until the match point is found.</summary>
    Probe = 0,

    /// <summary>Optimistic pipelining, bounded by the <see cref="Inflights"/> window.</summary>
    Replicate = 1,

    /// <summary>A snapshot is in flight; no appends until it is reported.</summary>
    Snapshot = 2,
}
