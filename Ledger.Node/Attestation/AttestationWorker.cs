using System.Threading.Channels;
using Ledger.Core.Protocol;
using Ledger.Node.DiskSpace;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Attestation;

/// <summary>
/// Runs the <see cref="AttestationCollector"/>'s work — signing each block this node applied (and so
/// checked, transaction by transaction, signatures included: see the collector), verifying
/// and storing the peers' attestations, certifying — on one worker of its own, in arrival order. Neither
/// the apply thread (the one serial stage every transaction passes) nor a peer's receive loop (which
/// carries that peer's Raft messages too) waits for a signature, a verification or an attestation write
/// any more: such a write can sit behind the Raft log's fsync in RocksDB's write queue.
/// <para>
/// Bounded: at most <see cref="QueuedMax"/> items wait. This node's own blocks are never dropped (the apply
/// thread waits for room: attestations must not fall behind without bound); a peer's attestation that
/// finds the queue full is dropped, as the collector drops early attestations beyond its own bound.
/// </para>
/// </summary>
public sealed partial class AttestationWorker : IAsyncDisposable
{
    /// <summary>Items (own blocks and peers' attestations) waiting for the worker.</summary>
    public const int QueuedMax = 16_384;

    private readonly AttestationCollector collector;
    private readonly BlockTimeWitness? timeWitness;
    private readonly ILogger logger;
    private readonly Channel<Item> queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(QueuedMax)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task loop;
    private long dropped;
    private volatile Exception? fault;

    /// <param name="timeWitness">Decides which blocks this node attests by their time; null attests every block (tests of the queue alone).</param>
    public AttestationWorker(AttestationCollector collector, ILogger logger, BlockTimeWitness? timeWitness = null)
    {
        this.collector = collector;
        this.timeWitness = timeWitness;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Set when the collector failed (e.g. storage); the node must stop serving.</summary>
    public Exception? Fault => fault;

    /// <summary>Peer attestations dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Items waiting for the worker.</summary>
    public int Queued => queue.Reader.Count;

    /// <summary>This node applied <paramref name="header"/>: sign and share it later, on the worker. Waits only while the queue is full.</summary>
    public void OnBlockCommitted(BlockHeader header)
    {
        // The clock is read now, on the apply thread: the time check is about when this node applied the block, not when the worker got to it.
        var item = new Item(header, null, AppliedUnixMs: timeWitness?.NowUnixMs() ?? 0);
        if (!queue.Writer.TryWrite(item))
        {
            // Called from the apply thread, never a thread-pool thread: blocking here is backpressure, not starvation.
            try
            {
                queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                // Stopping: the block is applied and stored; only its attestation is not made now.
            }
        }
    }

    /// <summary>An attestation from a peer: verified and stored later, on the worker; dropped (and counted) when the queue is full.</summary>
    public void OnAttestationReceived(Core.Protocol.Attestation attestation)
    {
        if (!queue.Writer.TryWrite(new Item(null, attestation)))
        {
            Interlocked.Increment(ref dropped);
        }
    }

    /// <summary>Completes once every item queued before the call has been handled (tests, orderly shutdown).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(new Item(null, null, marker), cancellationToken).ConfigureAwait(false);
        await marker.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (fault is not null)
                {
                    item.Drained?.TrySetException(fault);
                    continue;
                }

                try
                {
                    if (item.Header is { } header)
                    {
                        collector.OnBlockCommitted(header, attest: timeWitness?.Vouches(header, item.AppliedUnixMs) ?? true);
                    }
                    else if (item.Attestation is { } attestation)
                    {
                        collector.OnAttestationReceived(attestation);
                    }

                    item.Drained?.TrySetResult();
                }
                catch (OperationCanceledException e) when (StorageWritePause.IsNoSpace(e))
                {
                    // The node stopped while an attestation write waited for disk space: the node is stopping,
                    // the work did not fail.
                    fault = e;
                    item.Drained?.TrySetException(e);
                    LogStoppedWaitingForSpace(logger);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    fault = e;
                    item.Drained?.TrySetException(e);
                    LogFault(logger, e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private readonly record struct Item(BlockHeader? Header, Core.Protocol.Attestation? Attestation, TaskCompletionSource? Drained = null, long AppliedUnixMs = 0);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Attestation work stopped while a write waited for disk space (the node is stopping)")]
    private static partial void LogStoppedWaitingForSpace(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Critical, Message = "Attestation work failed; this node stops serving")]
    private static partial void LogFault(ILogger logger, Exception exception);
}
