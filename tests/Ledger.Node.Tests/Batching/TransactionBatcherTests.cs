using System.Threading.Channels;
using Ledger.Node.Batching;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Batching;

/// <summary>The batcher packs what is queued, waits at most the linger for company, and respects its bounds.</summary>
public sealed class TransactionBatcherTests
{
    [Test]
    public async Task LoneTransaction_WaitsOutTheLinger_ThenIsEmittedAlone()
    {
        var clock = new FakeTimeProvider();
        var emitted = Channel.CreateUnbounded<IReadOnlyList<PendingTransaction>>();
        await using var batcher = new TransactionBatcher(new BatcherOptions { LingerMilliseconds = 50 }, clock, (batch, _) => emitted.Writer.WriteAsync(batch));

        Assert.That(batcher.TryEnqueue(Transaction(1)), Is.True);
        await Task.Delay(100);
        Assert.That(emitted.Reader.TryRead(out _), Is.False, "emitted before the linger ran out");

        clock.Advance(TimeSpan.FromMilliseconds(50));
        var batch = await emitted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(batch.Select(t => t.SignedTransactionBytes[0]), Is.EqualTo(new byte[] { 1 }));
    }

    [Test]
    public async Task CompanyArrivingWithinTheLinger_JoinsTheSameBatch()
    {
        var clock = new FakeTimeProvider();
        var emitted = Channel.CreateUnbounded<IReadOnlyList<PendingTransaction>>();
        await using var batcher = new TransactionBatcher(new BatcherOptions { LingerMilliseconds = 50 }, clock, (batch, _) => emitted.Writer.WriteAsync(batch));

        batcher.TryEnqueue(Transaction(1));
        await Task.Delay(50);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        batcher.TryEnqueue(Transaction(2));
        batcher.TryEnqueue(Transaction(3));
        await Task.Delay(50);
        clock.Advance(TimeSpan.FromMilliseconds(30));
        var batch = await emitted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(batch.Select(t => t.SignedTransactionBytes[0]), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task FullBatch_IsEmittedWithoutWaitingForTheLinger()
    {
        var clock = new FakeTimeProvider();
        var emitted = Channel.CreateUnbounded<IReadOnlyList<PendingTransaction>>();
        var release = new TaskCompletionSource();
        var first = true;
        await using var batcher = new TransactionBatcher(new BatcherOptions { LingerMilliseconds = 1_000, TransactionsPerBatchMax = 2 }, clock, async (batch, _) =>
        {
            await emitted.Writer.WriteAsync(batch);
            if (first)
            {
                // Hold the first emission so the rest queue up behind it.
                first = false;
                await release.Task;
            }
        });

        batcher.TryEnqueue(Transaction(1));
        batcher.TryEnqueue(Transaction(2));
        var batch = await emitted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        for (byte i = 3; i <= 7; i++)
        {
            batcher.TryEnqueue(Transaction(i));
        }

        release.SetResult();
        var sizes = new List<int> { batch.Count };
        for (var i = 0; i < 2; i++)
        {
            sizes.Add((await emitted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Count);
        }

        Assert.That(sizes, Is.EqualTo(new[] { 2, 2, 2 }), "full batches leave at once; the seventh transaction waits for company");
    }

    [Test]
    public async Task Dispose_WhileLingering_EndsPromptly()
    {
        var clock = new FakeTimeProvider();
        var batcher = new TransactionBatcher(new BatcherOptions { LingerMilliseconds = 1_000 }, clock, (_, _) => ValueTask.CompletedTask);
        batcher.TryEnqueue(Transaction(1));
        await Task.Delay(50);

        Assert.That(async () => await batcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Throws.Nothing);
    }

    private static PendingTransaction Transaction(byte id) => new([id], new byte[32]);
}
