using Ledger.Core.Protocol;

namespace Ledger.Node.Applying;

/// <summary>Where a transaction landed: what a waiting submitter needs to build its receipt.</summary>
public sealed record CommittedTransaction(byte[] TransactionHash, ulong Height, uint Position, TransactionResult Result, BlockHeader Header);
