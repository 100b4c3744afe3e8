using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence.Export;

/// <summary>A committed transaction as stored (with a batch's detached items) and its receipt.</summary>
public sealed record TransactionAndReceipt(SignedTransaction Transaction, Receipt Receipt);
