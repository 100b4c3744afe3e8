using Ledger.Consensus;

namespace Ledger.Node.Peers;

/// <summary>
/// What this node knows when a peer's message arrives: its term, the leader of that term (0 when
/// unknown), its role, its log's last and committed index, and the membership in force. The drive
/// loop builds it just before stepping, so it is exact, not a stale copy.
/// </summary>
public readonly record struct LocalRaftView(ulong Id, ulong Term, ulong Leader, RaftRole Role, ulong LastIndex, ulong Committed, ConfState Membership)
{
    public static LocalRaftView Of(RaftNode node, ConfState membership)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new LocalRaftView(node.Id, node.Term, node.Leader, node.Role, node.LastIndex, node.Committed, membership);
    }
}
