using System.Diagnostics;
using Ledger.Node.Applying;

namespace Ledger.Node.Batching;

/// <summary>
/// A verified transaction waiting for a batch: its exact bytes as received and its hash, and the
/// local submitter's waiter (null for transactions a follower forwarded: that follower waits).
/// </summary>
public sealed record PendingTransaction(byte[] SignedTransactionBytes, byte[] TransactionHash)
{
    public ReceiptWaiter? Waiter { get; init; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when it was queued for batching (0 when not recorded).</summary>
    public long QueuedTimestamp { get; init; }

    /// <summary>The submission's span, for the batch span's link (default when it is not traced).</summary>
    public ActivityContext TraceContext { get; init; }
}
