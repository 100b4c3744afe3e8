using Ledger.Consensus;

namespace Ledger.Node.Recovery;

/// <summary>
/// How this start begins: normally, or on an empty directory after local damage, recovering in Raft
/// (neither voting nor counting toward a quorum) until it has caught up from the leader.
/// </summary>
/// <param name="Recovery">Passed to Raft as <see cref="RaftConfig.BeginInRecovery"/>.</param>
/// <param name="Note">Why, for status and logs; empty on a normal start.</param>
public sealed record NodeStart(RecoveryReason Recovery, string Note)
{
    public static NodeStart Normal { get; } = new(RecoveryReason.None, "");
}
