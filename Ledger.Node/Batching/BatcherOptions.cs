namespace Ledger.Node.Batching;

/// <summary>Bounds of the leader's batcher: how many transactions wait, and how big one Raft entry gets.</summary>
public sealed class BatcherOptions
{
    /// <summary>
    /// Transactions waiting to be batched; beyond it submitters get ResourceExhausted. About a second and
    /// a half of work at 10,000 tx/s: a deeper queue under overload only turns into answers that arrive
    /// after the submitter's deadline (an open-loop client sees that as unbounded latency).
    /// </summary>
    public int QueueCapacity { get; set; } = 16_384;

    public int TransactionsPerBatchMax { get; set; } = 4_096;

    public int BatchBytesMax { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long the first transaction of a batch may wait for company.</summary>
    public int LingerMilliseconds { get; set; } = 2;

    /// <summary>
    /// Batches this leader has proposed and not yet applied before it proposes the next: group commit.
    /// While they move through persistence, replication and apply, new submissions gather into the next
    /// batch, so blocks grow with load (per-block costs — fsyncs, attestation signatures, state-root
    /// folds — are paid once for many transactions) and stay small and quick when load is light.
    /// </summary>
    public int BatchesInFlightMax { get; set; } = 3;

    /// <summary>
    /// A submission that waited longer than this for a batch is answered ResourceExhausted instead of
    /// being proposed: under overload a FIFO queue otherwise makes every submission wait out its deadline
    /// (work done for answers nobody receives), while this keeps serving the fresh ones at full rate.
    /// </summary>
    public int QueueWaitMaxMilliseconds { get; set; } = 3_000;

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

        if (QueueWaitMaxMilliseconds < 1)
        {
            throw new InvalidOperationException($"Batching:QueueWaitMaxMilliseconds must be at least 1, was {QueueWaitMaxMilliseconds}");
        }

        if (BatchesInFlightMax < 1)
        {
            throw new InvalidOperationException($"Batching:BatchesInFlightMax must be at least 1, was {BatchesInFlightMax}");
        }

        if (LingerMilliseconds is < 0 or > 1_000)
        {
            throw new InvalidOperationException($"Batching:LingerMilliseconds must be within 0..1000, was {LingerMilliseconds}");
        }
    }
}
