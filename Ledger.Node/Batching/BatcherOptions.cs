namespace Ledger.Node.Batching;

/// <summary>Bounds of the leader's batcher: how many transactions wait, and how big one Raft entry gets.</summary>
public sealed class BatcherOptions
{
    /// <summary>Transactions waiting to be batched; beyond it submitters get ResourceExhausted.</summary>
    public int QueueCapacity { get; set; } = 65_536;

    public int TransactionsPerBatchMax { get; set; } = 4_096;

    public int BatchBytesMax { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long the first transaction of a batch may wait for company.</summary>
    public int LingerMilliseconds { get; set; } = 2;

    public void Validate(int transactionBytesMax)
    {
        if (QueueCapacity < 1)
        {
            throw new InvalidOperationException($"Batching:QueueCapacity must be at least 1, was {QueueCapacity}");
        }

        if (TransactionsPerBatchMax < 1)
        {
            throw new InvalidOperationException($"Batching:TransactionsPerBatchMax must be at least 1, was {TransactionsPerBatchMax}");
        }

        if (BatchBytesMax < transactionBytesMax)
        {
            throw new InvalidOperationException(
                $"Batching:BatchBytesMax ({BatchBytesMax}) must be at least the largest accepted transaction ({transactionBytesMax}), or such a transaction could never be batched");
        }

        if (LingerMilliseconds is < 0 or > 1_000)
        {
            throw new InvalidOperationException($"Batching:LingerMilliseconds must be within 0..1000, was {LingerMilliseconds}");
        }
    }
}
