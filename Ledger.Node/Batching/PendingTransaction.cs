namespace Ledger.Node.Batching;

/// <summary>A verified transaction waiting for a batch: its exact bytes as received and its hash.</summary>
public sealed record PendingTransaction(byte[] SignedTransactionBytes, byte[] TransactionHash);
