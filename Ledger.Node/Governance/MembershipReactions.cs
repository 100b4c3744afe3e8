using Ledger.Consensus;
using Ledger.Node.Peers;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Governance;

/// <summary>
/// What this node does when membership changes: a governance node change in the registry reloads the
/// directory; an applied Raft membership updates it and drops connections to peers that left.
/// </summary>
internal sealed partial class MembershipReactions(NodeDirectory directory, PeerNetwork peers, ILogger<MembershipReactions> logger)
{
    public void OnRegistryEffects(IReadOnlyList<Registry.Applying.RegistryEffect> effects)
    {
        foreach (var effect in effects)
        {
            if (effect is Registry.Applying.NodeMembershipChange change)
            {
                LogNodeMembershipChange(logger, change.Kind.ToString(), change.NodeId, change.Height);
                directory.Reload();
                return;
            }
        }
    }

    public void OnRaftMembershipApplied(ulong index, ConfState membership)
    {
        directory.OnRaftMembershipApplied(index, membership);
        LogRaftMembership(logger, membership.ToString());
        foreach (var peer in peers.ConnectedPeers())
        {
            if (!membership.Contains(peer) && !directory.Nodes.IsActive(peer))
            {
                peers.Forget(peer);
            }
        }
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Governance: {Kind} '{NodeId}' at height {Height}")]
    private static partial void LogNodeMembershipChange(ILogger logger, string kind, string nodeId, ulong height);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Raft membership is now {Membership}")]
    private static partial void LogRaftMembership(ILogger logger, string membership);
}
