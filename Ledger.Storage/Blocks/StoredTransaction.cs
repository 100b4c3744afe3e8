using Ledger.Core.Protocol;

namespace Ledger.Storage.Blocks;

/// <summary>A transaction as stored: where it is, what it was, and what applying it produced.</summary>
public sealed record StoredTransaction(byte[] TransactionHash, ulong Height, uint Position, SignedTransaction Transaction, TransactionResult Result);
