using Ledger.Core.Protocol;

namespace Ledger.Storage.Blocks;

/// <summary>
/// A stored transaction's log leaf, without the transaction: its hash, where it is, its result, its block's
/// checked <paramref name="Header"/>, its <paramref name="LeafHash"/> and <paramref name="LogInclusion"/>, the
/// path from that leaf to the header's log_root, which the read verified (<see cref="BlockStore.FindTransactionLeaf"/>).
/// Shared objects: do not modify.
/// </summary>
public sealed record TransactionLeaf(
    byte[] TransactionHash,
    ulong Height,
    uint Position,
    TransactionResult Result,
    BlockHeader Header,
    byte[] LeafHash,
    InclusionProof LogInclusion)
{
    public static TransactionLeaf From(StoredTransaction stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new TransactionLeaf(stored.TransactionHash, stored.Height, stored.Position, stored.Result, stored.Header, stored.LeafHash, stored.LogInclusion);
    }
}
