using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
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

    /// <summary>Reads every node record from the registry state.</summary>
    /// <exception cref="InvalidOperationException">Two recorded node ids map to the same Raft id.</exception>
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
                CryptoSuites.Get(record.Key.Suite).DecodePublicKey(record.Key.PublicKey.Span),
                record.AddedAt?.Height ?? 0,
                record.Active ? null : record.RemovedAt?.Height ?? 0);
            if (!byRaftId.TryAdd(node.RaftId, node))
            {
                // Raft ids are 64-bit hashes of node ids; a collision would make two nodes one Raft peer.
                throw new InvalidOperationException($"nodes '{node.NodeId}' and '{byRaftId[node.RaftId].NodeId}' map to the same Raft id; the consortium must rename one");
            }

            byId.Add(node.NodeId, node);
            if (node.IsActive)
            {
                active.Add(node);
            }
        }

        active.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return new NodeSet(byId, byRaftId, [.. active]);
    }
}
