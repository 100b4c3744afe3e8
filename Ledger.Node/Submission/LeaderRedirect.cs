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

    /// <summary>Unavailable with a <c>ledger-leader</c> trailer naming the leader when one is known (clients retry there).</summary>
    public RpcException LeaderUnavailable(string message, ulong leaderRaftId)
    {
        var leaderNode = leaderRaftId == 0 ? null : (directory.Nodes.Find(leaderRaftId)?.NodeId ?? chain.FindNode(leaderRaftId)?.NodeId);
        var status = new Status(StatusCode.Unavailable, leaderNode is null ? message : $"{message} (leader: {leaderNode})");
        return leaderNode is null ? new RpcException(status) : new RpcException(status, new Metadata { { LeaderHint.TrailerKey, leaderNode } });
    }
}
