using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>An immutable copy of the Raft node's state, published by the loop for readers on other threads.</summary>
public sealed record DriverStatus(ulong Id, RaftRole Role, ulong Term, ulong Leader, ulong Committed, ulong Applied, ulong LastIndex)
{
    /// <summary>
    /// The node's durable state may be behind what it acknowledged: it neither votes nor counts toward commit until it
    /// has re-fetched what it is missing (see <see cref="RaftStatus.Recovering"/>). Status and readiness say "recovering".
    /// </summary>
    public bool Recovering => RecoveryReason != RecoveryReason.None;

    public RecoveryReason RecoveryReason { get; init; }

    /// <summary>While recovering: the acknowledged log position the node must reach again.</summary>
    public LogPosition RecoveryTarget { get; init; }

    public static DriverStatus From(RaftNode node) =>
        new(node.Id, node.Role, node.Term, node.Leader, node.Committed, node.Applied, node.LastIndex)
        {
            RecoveryReason = node.RecoveryReason,
            RecoveryTarget = node.RecoveryTarget,
        };
}
