using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Consensus;
using Ledger.Node.Governance;

namespace Ledger.Node.Submission;

/// <summary>
/// Who leads now, by node id, and the Unavailable answer that points a client there
/// (<see cref="LeaderHint.TrailerKey"/>): what a node that cannot take a submission says.
/// </summary>
internal sealed class LeaderRedirect(RaftDriver driver, NodeDirectory directory, ChainContext chain)
{
    public string? LeaderNodeId()
    {
        var leader = driver.Status.Leader;
        return leader == 0 ? null : directory.Nodes.Find(leader)?.NodeId;
    }

    /// <summary>
    /// Unavailable with a <c>ledger-leader</c> trailer naming the leader when one is known (clients retry
    /// there), or with the <c>ledger-no-leader</c> marker when <paramref name="leaderRaftId"/> is 0 (clients
    /// retry with backoff: see <see cref="NoLeader"/>).
    /// </summary>
    public RpcException LeaderUnavailable(string message, ulong leaderRaftId)
    {
        if (leaderRaftId == 0)
        {
            return NoLeader(message);
        }

        var leaderNode = directory.Nodes.Find(leaderRaftId)?.NodeId ?? chain.FindNode(leaderRaftId)?.NodeId;
        var status = new Status(StatusCode.Unavailable, leaderNode is null ? message : $"{message} (leader: {leaderNode})");
        return leaderNode is null ? new RpcException(status) : new RpcException(status, new Metadata { { LeaderHint.TrailerKey, leaderNode } });
    }

    /// <summary>
    /// Unavailable carrying <see cref="LeaderHint.NoLeaderTrailerKey"/>: this node knows no leader now;
    /// clients tell it apart from a node that is down by the marker and retry with backoff.
    /// </summary>
    public static RpcException NoLeader(string message) =>
        new(new Status(StatusCode.Unavailable, message), new Metadata { { LeaderHint.NoLeaderTrailerKey, LeaderHint.NoLeaderTrailerValue } });
}
