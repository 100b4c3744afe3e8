using Ledger.Core.Keys;

namespace Ledger.Node.Governance;

/// <summary>
/// One node as the registry records it: name, Raft id, peer address, attestation key, and the heights
/// of the blocks that added it (0 for founders) and removed it (null while active). The attestation key
/// is null when the recorded key does not decode under its suite (the rules refuse such keys today; a
/// record from before that rule loads all the same): no attestation of that node verifies.
/// </summary>
public sealed record DirectoryNode(string NodeId, ulong RaftId, string Address, PublicKey? AttestationKey, ulong AddedAtHeight, ulong? RemovedAtHeight)
{
    public bool IsActive => RemovedAtHeight is null;

    /// <summary>
    /// Whether this node's signature counts for block <paramref name="height"/>: the attesters of a block
    /// are the nodes active when it was produced, i.e. after block height - 1. A node added in block h
    /// attests from h + 1; a node removed in block h still attests h. Old headers keep their set.
    /// </summary>
    public bool AttestsAt(ulong height) => AddedAtHeight < height && (RemovedAtHeight is not { } removed || removed >= height);
}
