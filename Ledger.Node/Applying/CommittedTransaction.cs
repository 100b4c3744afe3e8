using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>
/// Where a transaction landed: what a waiting submitter needs to build its receipt. <paramref name="Proofs"/>,
/// when set, holds the inclusion proofs of the whole block (built once for all its receipts).
/// </summary>
public sealed record CommittedTransaction(byte[] TransactionHash, ulong Height, uint Position, TransactionResult Result, BlockHeader Header, BlockInclusionProofs? Proofs = null);
