using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>An accepted governance transaction (ProposeChange or Vote) and where the chain records it.</summary>
public sealed record GovernanceTransaction(ulong Height, uint Position, SignedTransaction Transaction, byte[] TransactionHash, TransactionResult Result);
