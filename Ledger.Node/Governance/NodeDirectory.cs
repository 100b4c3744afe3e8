using Ledger.Consensus;
using Ledger.Core.Keys;
using Ledger.Registry.State;

namespace Ledger.Node.Governance;

/// <summary>
/// "The current nodes" for everything a node does with its peers, derived from registry state instead
/// of the genesis file: where peers listen, who receives attestations, whose certificates are
/// admitted, whose signatures certify a block. Also tracks the Raft membership this node has applied,
/// which lags the registry until the leader's reconciler has proposed the matching conf changes.
/// Read from any thread; updated on the drive loop after a block or conf change is applied.
/// </summary>
public sealed class NodeDirectory
{
    private readonly KeyId localKeyId;
    private volatile NodeSet nodes;
    private volatile ulong[] broadcastTargets;
    private volatile ConfState raftMembership;

    public NodeDirectory(string localNodeId, KeyId localKeyId, IRegistryStateReader state, ConfState raftMembership)
    {
        ArgumentException.ThrowIfNullOrEmpty(localNodeId);
        ArgumentNullException.ThrowIfNull(raftMembership);
        LocalNodeId = localNodeId;
        LocalRaftId = Core.Consortium.RaftNodeIds.Of(localNodeId);
        this.localKeyId = localKeyId;
        this.raftMembership = raftMembership;
        nodes = NodeSet.Load(state);
        broadcastTargets = TargetsOf(nodes, LocalRaftId);
        CheckLocalKey(nodes);
    }

    /// <summary>Raised on the drive loop after the registry's node set or the applied Raft membership changed.</summary>
    public event Action? Changed;

    public string LocalNodeId { get; }

    public ulong LocalRaftId { get; }

    public NodeSet Nodes => nodes;

    /// <summary>The Raft membership as of this node's applied index.</summary>
    public ConfState RaftMembership => raftMembership;

    /// <summary>True until governance has added this node (a joiner replaying the chain from genesis).</summary>
    public bool IsJoining => nodes.Find(LocalNodeId) is null;

    /// <summary>Raft ids of the other active nodes: the receivers of this node's attestations.</summary>
    public IReadOnlyList<ulong> BroadcastTargets => broadcastTargets;

    /// <summary>Re-reads the node records after a block changed them.</summary>
    /// <exception cref="InvalidOperationException">Governance recorded this node with a different key than the one it runs with.</exception>
    public void Reload(IRegistryStateReader state)
    {
        var next = NodeSet.Load(state);
        CheckLocalKey(next);
        nodes = next;
        broadcastTargets = TargetsOf(next, LocalRaftId);
        Changed?.Invoke();
    }

    public void OnRaftMembershipApplied(ConfState membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        raftMembership = membership;
        Changed?.Invoke();
    }

    /// <summary>
    /// Why a peer presenting a consortium certificate for <paramref name="nodeId"/> is refused, or null
    /// when it is admitted. Admitted: active nodes, and nodes still in the applied Raft membership (a
    /// node governance removed keeps talking until the conf change that removes it commits). A voter
    /// refuses every other id. A node that is not a voter yet (joining, or a learner replaying history)
    /// also admits ids it cannot know: nodes added in blocks it has not applied, one of which may be
    /// the leader it must learn from. It has no vote, so such a peer cannot sway the consortium.
    /// </summary>
    public string? RefusalFor(string nodeId)
    {
        var known = nodes.Find(nodeId);
        if (known is { IsActive: true })
        {
            return null;
        }

        var membership = raftMembership;
        if (membership.Contains(Core.Consortium.RaftNodeIds.Of(nodeId)))
        {
            return null;
        }

        if (known is not null)
        {
            return $"node '{nodeId}' was removed from the consortium at height {known.RemovedAtHeight}";
        }

        return membership.IsVoter(LocalRaftId) ? $"'{nodeId}' is not a node of this consortium" : null;
    }

    private void CheckLocalKey(NodeSet set)
    {
        if (set.Find(LocalNodeId) is { } self && !self.AttestationKey.KeyId.Equals(localKeyId))
        {
            throw new InvalidOperationException($"the node key file's key ({localKeyId}) is not the key the consortium records for '{LocalNodeId}' ({self.AttestationKey.KeyId})");
        }
    }

    private static ulong[] TargetsOf(NodeSet set, ulong localRaftId)
    {
        var targets = new List<ulong>(set.Active.Count);
        foreach (var node in set.Active)
        {
            if (node.RaftId != localRaftId)
            {
                targets.Add(node.RaftId);
            }
        }

        return [.. targets];
    }
}
