using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>An immutable copy of the Raft node's state, published by the loop for readers on other threads.</summary>
public sealed record DriverStatus(ulong Id, RaftRole Role, ulong Term, ulong Leader, ulong Committed, ulong Applied, ulong LastIndex)
{
    public static DriverStatus From(RaftNode node) =>
        new(node.Id, node.Role, node.Term, node.Leader, node.Committed, node.Applied, node.LastIndex);
}
