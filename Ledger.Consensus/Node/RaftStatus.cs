namespace Ledger.Consensus;

/// <summary>A snapshot of a node's state for diagnostics and tests. <see cref="Progress"/> is filled only on a leader.</summary>
public sealed class RaftStatus
{
    public required ulong Id { get; init; }

    public required HardState HardState { get; init; }

    public required SoftState SoftState { get; init; }

    public required ulong Applied { get; init; }

    public required ulong LastIndex { get; init; }

    public required ulong LeadTransferee { get; init; }

    public required ConfState ConfState { get; init; }

    public required IReadOnlyList<ProgressStatus> Progress { get; init; }

    /// <summary>
    /// True while the node's durable state may be behind what it acknowledged: it neither votes nor campaigns, and
    /// leaders do not count it toward commit, until it has re-fetched what it is missing from a leader.
    /// </summary>
    public bool Recovering => RecoveryReason != RecoveryReason.None;

    /// <summary>Why the node is recovering (<see cref="RecoveryReason.None"/> when it is not).</summary>
    public RecoveryReason RecoveryReason { get; init; }

    /// <summary>While recovering: the acknowledged log position it must reach again (none when only the leader's commit index is the goal).</summary>
    public LogPosition RecoveryTarget { get; init; }

    /// <summary>While recovering: the leader's commit index it must also reach (0 until it has heard from a leader).</summary>
    public ulong RecoveryCommitGoal { get; init; }

    /// <summary>This node's incarnation (<see cref="RaftConfig.Incarnation"/>).</summary>
    public ulong Incarnation { get; init; }
}
