using Ledger.Consensus;
using Ledger.Core.Keys;
using Ledger.Registry.State;

namespace Ledger.Node.Governance;

/// <summary>
/// "The current nodes" for everything a node does with its peers, derived from registry state instead
/// of the genesis file: where peers listen, who receives attestations, whose certificates are
/// admitted, whose signatures certify a block. Also tracks the Raft membership this node has applied,
/// which lags the registry until the leader's reconciler has proposed the matching conf changes.
/// Read from any thread; updated on the drive loop after a block or conf change is applied, and by
/// the <see cref="MembershipReconciler"/>'s periodic refresh (which covers snapshot installs).
/// </summary>
public sealed class NodeDirectory
{
    private readonly KeyId localKeyId;
    private readonly IRegistryStateReader state;

    // Loads and swaps are serialized so that a slower reader never installs an older view over a newer one.
    private readonly Lock sync = new();
    private volatile NodeSet nodes;
    private volatile ulong[] broadcastTargets;
    private volatile AppliedMembership raftMembership;
    private byte[]? governanceSeen;

    public NodeDirectory(string localNodeId, KeyId localKeyId, IRegistryStateReader state, ConfState raftMembership, ulong raftMembershipIndex = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(localNodeId);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(raftMembership);
        LocalNodeId = localNodeId;
        LocalRaftId = Core.Consortium.RaftNodeIds.Of(localNodeId);
        this.localKeyId = localKeyId;
        this.state = state;
        this.raftMembership = new AppliedMembership(raftMembershipIndex, raftMembership);
        governanceSeen = GovernanceBytes(state);
        nodes = NodeSet.Load(state);
        broadcastTargets = TargetsOf(nodes, LocalRaftId);
        CheckLocalKey(nodes);
    }

    /// <summary>Raised (on the drive loop or the reconciler's task) after the registry's nodes or the applied Raft membership changed.</summary>
    public event Action? Changed;

    public string LocalNodeId { get; }

    public ulong LocalRaftId { get; }

    public NodeSet Nodes => nodes;

    /// <summary>The Raft membership as of this node's applied index.</summary>
    public ConfState RaftMembership => raftMembership.State;

    /// <summary>True until governance has added this node (a joiner replaying the chain from genesis).</summary>
    public bool IsJoining => nodes.Find(LocalNodeId) is null;

    /// <summary>Raft ids of the other active nodes: the receivers of this node's attestations.</summary>
    public IReadOnlyList<ulong> BroadcastTargets => broadcastTargets;

    /// <summary>Re-reads the node records after a block changed them.</summary>
    /// <exception cref="InvalidOperationException">Governance recorded this node with a different key than the one it runs with.</exception>
    public void Reload()
    {
        lock (sync)
        {
            var seen = GovernanceBytes(state);
            var next = NodeSet.Load(state);
            CheckLocalKey(next);
            governanceSeen = seen;
            nodes = next;
            broadcastTargets = TargetsOf(next, LocalRaftId);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Reloads when the registry's governance record changed behind the apply hook's back (a state
    /// image installed from a snapshot replaces the registry wholesale). One point read when nothing changed.
    /// </summary>
    public void ReloadIfStale()
    {
        var current = GovernanceBytes(state);
        byte[]? seen;
        lock (sync)
        {
            seen = governanceSeen;
        }

        if (!current.AsSpan().SequenceEqual(seen))
        {
            Reload();
        }
    }

    /// <summary>
    /// Records the Raft membership in force once entries up to <paramref name="appliedIndex"/> are applied.
    /// A report older than the one held is ignored (the apply hook and the periodic status read race).
    /// </summary>
    public void OnRaftMembershipApplied(ulong appliedIndex, ConfState membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        lock (sync)
        {
            var held = raftMembership;
            if (appliedIndex < held.Index || (Same(held.State, membership) && appliedIndex == held.Index))
            {
                return;
            }

            raftMembership = new AppliedMembership(appliedIndex, membership);
            if (Same(held.State, membership))
            {
                return;
            }
        }

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

        var membership = raftMembership.State;
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
        if (set.Find(LocalNodeId) is { } self && self.AttestationKey?.KeyId.Equals(localKeyId) != true)
        {
            throw new InvalidOperationException($"the node key file's key ({localKeyId}) is not the key the consortium records for '{LocalNodeId}' ({self.AttestationKey?.KeyId.ToString() ?? "a key that does not decode"})");
        }
    }

    private static bool Same(ConfState left, ConfState right) =>
        left.Voters.AsSpan().SequenceEqual(right.Voters) && left.Learners.AsSpan().SequenceEqual(right.Learners);

    private static byte[] GovernanceBytes(IRegistryStateReader state) =>
        state.TryGet(StateKeys.Governance(), out var bytes) ? bytes : [];

    private sealed record AppliedMembership(ulong Index, ConfState State);

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
