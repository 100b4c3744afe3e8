using System.Diagnostics;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;
using Ledger.Node.Batching;
using Ledger.Node.Configuration;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;
using Ledger.Node.Metrics;
using Ledger.Node.Tracing;

namespace Ledger.Node.Submission;

/// <summary>
/// The first stage of the write path, at the door: refuse early when there is no leader or the leader
/// is overloaded, admit (<see cref="SubmissionGate"/>), register a pending receipt, queue for the
/// batcher, and wait for apply. What happens to the batch next is <see cref="BatchProposer"/> (leader)
/// or <see cref="Forwarder"/> (follower); the answer comes back through <see cref="PendingReceipts"/>.
/// </summary>
internal sealed class SubmissionPath(
    NodeOptions options,
    TimeProvider timeProvider,
    NodeMetrics metrics,
    RaftDriver driver,
    ServingGuard serving,
    DiskSpaceGuard diskSpace,
    LeaderRedirect redirect,
    SubmissionGate gate,
    PendingReceipts pendingReceipts,
    TransactionBatcher batcher,
    BatchProposer proposer,
    Receipts receipts)
{
    /// <summary>
    /// Admits and submits one transaction and waits until it is applied, answering DeadlineExceeded once
    /// <paramref name="timeout"/> (measured on the node's clock) has passed without it being applied.
    /// </summary>
    public async Task<CommittedTransaction> SubmitAsync(SignedTransaction? transaction, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            return await SubmitCoreAsync(transaction, timeout, started, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException refused)
        {
            metrics.Refused.WithLabels(refused.StatusCode.ToString()).Inc();
            throw;
        }
        finally
        {
            metrics.Submit.Observe(timeProvider.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<CommittedTransaction> SubmitCoreAsync(SignedTransaction? transaction, TimeSpan timeout, long started, CancellationToken cancellationToken)
    {
        serving.ThrowIfNotServing();
        diskSpace.ThrowIfBelowReserve();
        var raft = driver.Status;
        if (raft.Role != RaftRole.Leader && raft.Leader == 0)
        {
            // Nowhere to send it now; queueing it would only run out the caller's deadline.
            throw redirect.LeaderUnavailable("no leader is known; retry shortly", 0);
        }

        if (proposer.LastQueueWaitMilliseconds > options.Batching.QueueWaitMaxMilliseconds / 2 && batcher.QueuedCount > 0)
        {
            // Overloaded: refuse before the signature check, the costliest step, so the CPU goes to
            // submissions that can still be answered in time (shedding load cheaply keeps goodput up).
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "the leader is overloaded (submissions wait too long for a batch); retry later"));
        }

        PendingTransaction admitted;
        var admitSpan = NodeTracing.StartChild(NodeTracing.AdmitSpan);
        try
        {
            admitted = gate.Admit(transaction);
            metrics.Admission.Observe(timeProvider.GetElapsedTime(started).TotalSeconds);
        }
        catch (SubmissionRejectedException rejected)
        {
            admitSpan?.SetStatus(ActivityStatusCode.Error, rejected.StatusCode.ToString());

            // A retry of a transaction that is already in the chain is answered with where it is (idempotent submit).
            if (rejected.StatusCode == StatusCode.AlreadyExists && rejected.TransactionHash is { } hash && receipts.FindCommitted(hash) is { } existing)
            {
                return existing;
            }

            throw rejected.ToRpcException();
        }
        finally
        {
            admitSpan?.Dispose();
        }

        if (!pendingReceipts.TryRegister(admitted.TransactionHash, out var waiter, out var alreadyAwaited))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{options.PendingReceiptsMax} submissions are already waiting for commit; retry later"));
        }

        // A retry of a transaction still on its way (queued, batched or appended, not yet applied: the
        // door's nonce check sees only applied state) shares the first submission's waiter and is
        // not queued again, or the same signed transaction would be committed twice.
        if (!alreadyAwaited && !batcher.TryEnqueue(admitted with { Waiter = waiter, QueuedTimestamp = timeProvider.GetTimestamp(), TraceContext = Activity.Current?.Context ?? default }))
        {
            pendingReceipts.Forget(waiter);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "the submission queue is full; retry later"));
        }

        try
        {
            // One timer and one registration per submission (the wait's own), no linked token source.
            return await waiter.Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            pendingReceipts.Forget(waiter);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "the transaction was accepted but not applied before the deadline; query it by hash later"));
        }
        catch (TaskCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the transaction could not be replicated (leadership changed); resubmit the same signed transaction"));
        }
    }
}
