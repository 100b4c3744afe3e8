using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Registry.State;

namespace Ledger.Node.Governance;

/// <summary>
/// Every node the registry has ever recorded (ids are never reused, removed nodes keep their record),
/// as of one applied height. Immutable: the directory swaps in a new set after each membership change.
/// </summary>
public sealed class NodeSet
{
    private readonly Dictionary<string, DirectoryNode> byId;
    private readonly Dictionary<ulong, DirectoryNode> byRaftId;

    private NodeSet(Dictionary<string, DirectoryNode> byId, Dictionary<ulong, DirectoryNode> byRaftId, DirectoryNode[] active)
    {
        this.byId = byId;
        this.byRaftId = byRaftId;
        Active = active;
    }

    /// <summary>Nodes active at the applied height, ordered by node id.</summary>
    public IReadOnlyList<DirectoryNode> Active { get; }

    public DirectoryNode? Find(string nodeId) => byId.GetValueOrDefault(nodeId);

    public DirectoryNode? Find(ulong raftId) => byRaftId.GetValueOrDefault(raftId);

    public bool IsActive(ulong raftId) => byRaftId.TryGetValue(raftId, out var node) && node.IsActive;

    /// <summary>Signatures needed to certify block <paramref name="height"/>: a strict majority of that block's attesters.</summary>
    public int QuorumAt(ulong height)
    {
        var attesters = 0;
        foreach (var node in byId.Values)
        {
            attesters += node.AttestsAt(height) ? 1 : 0;
        }

        return (attesters / 2) + 1;
    }

    /// <summary>
    /// Reads every node record from the registry state. Never throws on what a record holds (it runs on
    /// the apply thread and at every start): a key that does not decode loads as no key (the node's
    /// attestations never verify), and of two records whose ids map to one Raft id the active one, else
    /// the first in key order, keeps the Raft id (the rules refuse such an addition among active nodes).
    /// </summary>
    public static NodeSet Load(IRegistryStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var byId = new Dictionary<string, DirectoryNode>(StringComparer.Ordinal);
        var byRaftId = new Dictionary<ulong, DirectoryNode>();
        var active = new List<DirectoryNode>();
        foreach (var entry in state.Scan(StateKeys.NodePrefix()))
        {
            var record = NodeRecord.Parser.ParseFrom(entry.Value);
            var node = new DirectoryNode(
                record.NodeId,
                RaftNodeIds.Of(record.NodeId),
                record.Address,
                DecodeOrNull(record.Key),
                record.AddedAt?.Height ?? 0,
                record.Active ? null : record.RemovedAt?.Height ?? 0);
            if (!byId.TryAdd(node.NodeId, node))
            {
                continue;
            }

            if (!byRaftId.TryGetValue(node.RaftId, out var holder) || (node.IsActive && !holder.IsActive))
            {
                byRaftId[node.RaftId] = node;
            }

            if (node.IsActive)
            {
                active.Add(node);
            }
        }

        active.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return new NodeSet(byId, byRaftId, [.. active]);
    }

    private static PublicKey? DecodeOrNull(MemberPublicKey? key) =>
        key is not null && CryptoSuites.TryGet(key.Suite, out var suite) && suite.TryDecodePublicKey(key.PublicKey.Span, out var decoded)
            ? decoded
            : null;
}
