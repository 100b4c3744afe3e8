using System.Threading.Channels;

namespace Ledger.Node.Batching;

/// <summary>
/// Packs verified transactions into batches bounded by count, bytes and a short linger, and hands
/// each batch to <c>emitBatch</c> (which proposes it to Raft). One consumer loop; any number of
/// producers. The queue is bounded: <see cref="TryEnqueue"/> refuses when it is full so the caller
/// can answer ResourceExhausted instead of buffering without limit.
/// </summary>
public sealed class TransactionBatcher : IAsyncDisposable
{
    private readonly BatcherOptions options;
    private readonly TimeProvider timeProvider;
    private readonly Func<IReadOnlyList<PendingTransaction>, CancellationToken, ValueTask> emitBatch;
    private readonly Channel<PendingTransaction> queue;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public TransactionBatcher(
        BatcherOptions options,
        TimeProvider timeProvider,
        Func<IReadOnlyList<PendingTransaction>, CancellationToken, ValueTask> emitBatch)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        this.emitBatch = emitBatch;
        queue = Channel.CreateBounded<PendingTransaction>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        loop = Task.Run(RunAsync);
    }

    /// <summary>Number of transactions waiting for a batch.</summary>
    public int QueuedCount => queue.Reader.Count;

    /// <summary>Queues a transaction; false when the queue is at its bound (the caller must refuse the submission).</summary>
    public bool TryEnqueue(PendingTransaction transaction) => queue.Writer.TryWrite(transaction);

    private async Task RunAsync()
    {
        var batch = new List<PendingTransaction>(options.TransactionsPerBatchMax);
        var reader = queue.Reader;
        var token = stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                var batchBytes = 0;
                var lingerDeadline = timeProvider.GetTimestamp() + LingerTicks();
                while (true)
                {
                    while (batch.Count < options.TransactionsPerBatchMax && reader.TryPeek(out var next))
                    {
                        if (batch.Count > 0 && batchBytes + next.SignedTransactionBytes.Length > options.BatchBytesMax)
                        {
                            break;
                        }

                        reader.TryRead(out _);
                        batch.Add(next);
                        batchBytes += next.SignedTransactionBytes.Length;
                    }

                    var full = batch.Count >= options.TransactionsPerBatchMax || (reader.TryPeek(out _) && batch.Count > 0);
                    var remaining = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), lingerDeadline);
                    if (full || remaining <= TimeSpan.Zero)
                    {
                        break;
                    }

                    // Wait for more company, but never past the linger deadline. The linger running out is the
                    // common case under light load: observed without throwing (an exception per batch costs
                    // more than the batch's bookkeeping). Stopping completes the queue, which ends the wait too.
                    using var linger = new CancellationTokenSource(remaining, timeProvider);
                    var more = reader.WaitToReadAsync(linger.Token).AsTask();
                    await ((Task)more).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    token.ThrowIfCancellationRequested();
                    if (!more.IsCompletedSuccessfully || !more.Result)
                    {
                        break;
                    }
                }

                if (batch.Count > 0)
                {
                    await emitBatch(batch.ToArray(), token).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private long LingerTicks() => options.LingerMilliseconds * timeProvider.TimestampFrequency / 1000;

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }
}
