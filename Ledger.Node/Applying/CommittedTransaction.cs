using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>
/// Where a transaction landed: what a waiting submitter needs to build its receipt. <paramref name="Proofs"/>,
/// when set, holds the inclusion proofs of the whole block (built once for all its receipts);
/// <paramref name="LogInclusion"/>, when set, this transaction's proof against the header's log size
/// (as a lookup by hash read and verified it: <see cref="Storage.Blocks.StoredTransaction.LogInclusion"/>).
/// </summary>
public sealed record CommittedTransaction(
    byte[] TransactionHash, ulong Height, uint Position, TransactionResult Result, BlockHeader Header, BlockInclusionProofs? Proofs = null, InclusionProof? LogInclusion = null)
{
    /// <summary>A transaction found by hash, with the header and proof its lookup checked.</summary>
    public static CommittedTransaction From(Storage.Blocks.StoredTransaction stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new CommittedTransaction(stored.TransactionHash, stored.Height, stored.Position, stored.Result, stored.Header, LogInclusion: stored.LogInclusion);
    }
}
