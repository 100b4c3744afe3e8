using Ledger.Node.Governance;

namespace Ledger.Node.Peers;

/// <summary>
/// Where a Raft peer listens: a --peers flag wins (operators know their network), then the address
/// the registry records. A node this node's registry does not know yet (added in blocks it has not
/// applied) is reachable only through a flag.
/// </summary>
internal sealed class PeerResolution(ulong selfRaftId, NodeDirectory directory, IReadOnlyDictionary<string, string> peerUrls)
{
    public PeerAddress? ResolvePeer(ulong raftId)
    {
        if (raftId == selfRaftId)
        {
            return null;
        }

        var node = directory.Nodes.Find(raftId);
        if (node is not null)
        {
            return new PeerAddress(node.NodeId, peerUrls.TryGetValue(node.NodeId, out var url) ? url : node.Address);
        }

        foreach (var (peerId, peerUrl) in peerUrls)
        {
            if (Core.Consortium.RaftNodeIds.Of(peerId) == raftId)
            {
                return new PeerAddress(peerId, peerUrl);
            }
        }

        return null;
    }
}
