using Grpc.Core;
using Ledger.Consensus;
using Ledger.Node.Applying;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;
using Ledger.Node.Metrics;
using Ledger.Node.Submission;
using Ledger.Node.Tracing;

namespace Ledger.Node.Batching;

/// <summary>
/// Where the batcher's batches go (its <c>emitBatch</c>). On the leader: pace against batches not yet
/// applied, drop submissions already answered or waiting too long, stamp the batch with this node's time
/// (strictly increasing: <see cref="BlockClock"/>) and id (<see cref="EntryBatchCodec"/>) and propose it to Raft, tying the waiting submitters to the
/// entry it lands in. On a follower the batch goes to the <see cref="Forwarder"/>.
/// Only the batcher's single consumer loop calls in, so the pacing queue needs no lock.
/// </summary>
internal sealed class BatchProposer(
    BatcherOptions options,
    string nodeId,
    BlockClock blockClock,
    TimeProvider timeProvider,
    NodeMetrics metrics,
    RaftDriver driver,
    PendingReceipts pendingReceipts,
    BatchFailure failure,
    Forwarder forwarder,
    BatchTraces traces,
    DiskSpaceGuard diskSpace)
{
    private static readonly Func<PendingTransaction, System.Diagnostics.ActivityContext> TraceContextOf = pending => pending.TraceContext;

    /// <summary>Longest wait for an earlier batch to apply before proposing anyway (leadership may have moved meanwhile).</summary>
    private static readonly TimeSpan BatchInFlightWaitMax = TimeSpan.FromSeconds(1);

    // Longest time the last proposed batch's submissions waited in the batcher queue, ms; read at the door.
    private int lastQueueWaitMilliseconds;

    // Log indexes of this leader's batches not yet known applied, oldest first; only the batcher's loop touches it.
    private readonly Queue<ulong> batchesInFlight = new();

    /// <summary>Longest time the last proposed batch's submissions waited in the batcher queue, ms (0 when not leading).</summary>
    public int LastQueueWaitMilliseconds => Volatile.Read(ref lastQueueWaitMilliseconds);

    public async ValueTask EmitBatchAsync(IReadOnlyList<PendingTransaction> batch, CancellationToken cancellationToken)
    {
        var status = driver.Status;
        if (status.Role == RaftRole.Leader)
        {
            await ProposeBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Not leading: nothing to pace, and a queue-wait measured as leader says nothing about forwarding.
        batchesInFlight.Clear();
        Volatile.Write(ref lastQueueWaitMilliseconds, 0);
        await forwarder.ForwardAsync(batch, status.Leader, cancellationToken).ConfigureAwait(false);
    }

    private async Task ProposeBatchAsync(IReadOnlyList<PendingTransaction> batch, CancellationToken cancellationToken)
    {
        // ledger.batch and ledger.propose start now (pacing counts as proposing); null when nobody listens.
        var traced = traces.Start(batch, TraceContextOf);
        try
        {
            // Backpressure: while blocks are being built slower than entries commit, admission waits here
            // and the bounded batcher queue in front of it fills, so submitters get ResourceExhausted.
            await driver.WaitForApplyRoomAsync(cancellationToken).ConfigureAwait(false);
            await WaitForBatchSlotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DriverStoppedException e)
        {
            BatchTraces.Dropped(traced, "node stopped");
            failure.FailBatch(batch, StatusCode.Unavailable, $"this node stopped: {e.Message}", 0);
            return;
        }
        catch (OperationCanceledException)
        {
            BatchTraces.Dropped(traced, "node stopping");
            throw;
        }

        // Sampled now, not at the door: the disk may have filled while these waited. Nothing is proposed
        // below the reserve; the submitters were not acknowledged and may resubmit the same transactions.
        if (diskSpace.RefusalNow() is { } refusal)
        {
            BatchTraces.Dropped(traced, "disk space below reserve");
            failure.FailBatch(batch, StatusCode.ResourceExhausted, $"{refusal}; resubmit once space is freed", 0);
            return;
        }

        var transactions = new List<byte[]>(batch.Count);
        var batchWaiters = new List<ReceiptWaiter>(batch.Count);
        var now = timeProvider.GetTimestamp();
        RpcException? overloaded = null;
        var longestWait = TimeSpan.Zero;
        foreach (var pending in batch)
        {
            if (pending.QueuedTimestamp != 0)
            {
                var waited = timeProvider.GetElapsedTime(pending.QueuedTimestamp, now);
                longestWait = waited > longestWait ? waited : longestWait;
                metrics.QueueWait.Observe(waited.TotalSeconds);
            }

            if (pending.Waiter is { } waiter)
            {
                if (!waiter.IsPending)
                {
                    // Answered while queued (leadership changed, deadline passed): the client has moved on.
                    continue;
                }

                if (pending.QueuedTimestamp != 0 && timeProvider.GetElapsedTime(pending.QueuedTimestamp, now).TotalMilliseconds > options.QueueWaitMaxMilliseconds)
                {
                    overloaded ??= new RpcException(new Status(StatusCode.ResourceExhausted, $"the transaction waited more than {options.QueueWaitMaxMilliseconds} ms for a batch (the leader is overloaded); retry later"));
                    pendingReceipts.Fail(waiter, overloaded);
                    continue;
                }

                batchWaiters.Add(waiter);
            }

            transactions.Add(pending.SignedTransactionBytes);
        }

        Volatile.Write(ref lastQueueWaitMilliseconds, (int)Math.Min(int.MaxValue, longestWait.TotalMilliseconds));
        if (transactions.Count == 0)
        {
            BatchTraces.Dropped(traced, "every submission of the batch was answered while queued");
            return;
        }

        metrics.BatchTransactions.Observe(transactions.Count);
        var waitersOfBatch = batchWaiters.ToArray();
        var ticket = new ProposalTicket(appended =>
        {
            // On the Raft loop's thread, as the entry is appended: before its commit can be reported.
            pendingReceipts.TrackAppended(appended, waitersOfBatch);
            traces.Appended(traced, appended);
        });
        foreach (var waiter in waitersOfBatch)
        {
            waiter.Ticket = ticket;
        }

        var data = EntryBatchCodec.Encode(blockClock.Next(), nodeId, [.. transactions]);
        ProposalDropReason? dropped;
        try
        {
            dropped = await driver.ProposeTrackedAsync(data, ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (DriverBusyException)
        {
            BatchTraces.Dropped(traced, "consensus input queue full");
            failure.FailBatch(batch, StatusCode.ResourceExhausted, "the consensus input queue is full; retry later", 0);
            return;
        }
        catch (DriverStoppedException e)
        {
            BatchTraces.Dropped(traced, "node stopped");
            failure.FailBatch(batch, StatusCode.Unavailable, $"this node stopped: {e.Message}", 0);
            return;
        }
        catch (OperationCanceledException)
        {
            BatchTraces.Dropped(traced, "node stopping");
            throw;
        }

        if (dropped is { } reason)
        {
            BatchTraces.Dropped(traced, $"refused by Raft: {reason}");
            failure.FailBatch(batch, StatusCode.Unavailable, $"the leader refused the batch: {reason}", driver.Status.Leader);
            return;
        }

        batchesInFlight.Enqueue(ticket.Index);
    }

    private async Task WaitForBatchSlotAsync(CancellationToken cancellationToken)
    {
        while (batchesInFlight.Count >= options.BatchesInFlightMax)
        {
            try
            {
                await driver.WaitForAppliedAsync(batchesInFlight.Peek(), cancellationToken).WaitAsync(BatchInFlightWaitMax, cancellationToken).ConfigureAwait(false);
                batchesInFlight.Dequeue();
            }
            catch (Exception e) when (e is TimeoutException or DriverBusyException)
            {
                // Not applied in time (lost leadership, overwritten, a stalled follower): stop pacing on it.
                batchesInFlight.Clear();
            }
        }
    }
}
