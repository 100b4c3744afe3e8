using System.Collections.Concurrent;
using Ledger.Node.Consensus;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Applying;

/// <summary>
/// Submitters waiting for their transaction to be applied, by transaction hash. Bounded: when
/// <c>capacity</c> waiters exist, new submissions are refused (ResourceExhausted) rather than queued.
/// Completed on the apply path; a waiter that gives up (deadline) removes itself.
/// <para>
/// Fail fast on leadership change (<see cref="FailUnappended"/>): a waiter whose transaction never
/// reached this leader's log (still queued for batching, in a batch not yet appended, or forwarded
/// to a leader that is no longer leader) can only be lost, so it is answered Unavailable at once and
/// the client resubmits the same signed transaction elsewhere. A waiter whose batch was appended
/// keeps waiting: the entry may still commit (the new leader may hold it — Raft's leader
/// completeness keeps every committed entry, and a new leader commits the uncommitted entries it
/// holds along with its first entry). Answering Unavailable for it would invite a resubmission that
/// lands the transaction twice. Its fate is known as soon as this node applies that log index: the
/// same index and term means it is our entry (the waiter completes with its receipt); any other term
/// means our entry was overwritten (<see cref="OnEntryApplied"/> fails the waiter then).
/// </para>
/// </summary>
public sealed class PendingReceipts
{
    /// <summary>Appended batches tracked for overwrite detection; beyond it a batch is not tracked (its waiters then rely on their deadline).</summary>
    public const int AppendedBatchesMax = 65_536;

    private readonly ConcurrentDictionary<byte[], ReceiptWaiter> waiters = new(ByteArrayComparer.Instance);
    private readonly ConcurrentQueue<AppendedBatch> appended = new();
    private readonly int capacity;
    private int count;

    public PendingReceipts(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    public int Count => Volatile.Read(ref count);

    /// <summary>Appended batches whose index this node has not applied yet.</summary>
    public int TrackedBatches => appended.Count;

    /// <summary>
    /// Registers interest in <paramref name="transactionHash"/>. Returns false when full. When the
    /// same transaction is already awaited, the existing waiter is shared.
    /// </summary>
    public bool TryRegister(byte[] transactionHash, out ReceiptWaiter waiter) => TryRegister(transactionHash, out waiter, out _);

    /// <param name="alreadyAwaited">
    /// True when the waiter was already registered: the same signed transaction is queued or in
    /// flight for another submitter, so this one must not be queued again (it would land twice).
    /// </param>
    public bool TryRegister(byte[] transactionHash, out ReceiptWaiter waiter, out bool alreadyAwaited)
    {
        alreadyAwaited = false;
        if (waiters.TryGetValue(transactionHash, out var existing))
        {
            waiter = existing;
            alreadyAwaited = true;
            return true;
        }

        if (Interlocked.Increment(ref count) > capacity)
        {
            Interlocked.Decrement(ref count);
            waiter = null!;
            return false;
        }

        var created = new ReceiptWaiter(transactionHash);
        waiter = waiters.GetOrAdd(transactionHash, created);
        if (!ReferenceEquals(waiter, created))
        {
            Interlocked.Decrement(ref count);
            alreadyAwaited = true;
        }

        return true;
    }

    /// <summary>Stops waiting (the caller gave up); the transaction may still commit.</summary>
    public void Forget(ReceiptWaiter waiter)
    {
        if (Remove(waiter))
        {
            waiter.Completion.TrySetCanceled();
        }
    }

    /// <summary>Completes the waiter of a transaction that was just applied, if anyone waits.</summary>
    public void Complete(CommittedTransaction committed)
    {
        if (Volatile.Read(ref count) == 0)
        {
            return;
        }

        if (waiters.TryRemove(committed.TransactionHash, out var waiter))
        {
            Interlocked.Decrement(ref count);
            waiter.Completion.TrySetResult(committed);
        }
    }

    /// <summary>Fails the waiter of one transaction (it could not be replicated).</summary>
    public void Fail(byte[] transactionHash, Exception error)
    {
        if (waiters.TryGetValue(transactionHash, out var waiter))
        {
            Fail(waiter, error);
        }
    }

    /// <summary>Fails this waiter, if it is still the one registered for its transaction.</summary>
    public void Fail(ReceiptWaiter waiter, Exception error)
    {
        if (Remove(waiter))
        {
            waiter.Completion.TrySetException(error);
        }
    }

    /// <summary>Fails every waiter (node stopping or faulted).</summary>
    public void FailAll(Exception error)
    {
        foreach (var pair in waiters)
        {
            Fail(pair.Value, error);
        }
    }

    /// <summary>
    /// Leadership changed (this node lost it, or the leader it forwards to changed): fails every waiter
    /// whose transaction was not appended to this node's log as leader. Call on the drive loop's thread,
    /// where appends are marked, so "appended" is exact.
    /// </summary>
    public int FailUnappended(Exception error)
    {
        var failed = 0;
        foreach (var pair in waiters)
        {
            var waiter = pair.Value;
            if (waiter.Ticket is not { IsAppended: true } && Remove(waiter))
            {
                waiter.Completion.TrySetException(error);
                failed++;
            }
        }

        return failed;
    }

    /// <summary>
    /// A batch carrying <paramref name="batchWaiters"/> was appended as <paramref name="ticket"/> says;
    /// called by the drive loop in append order (see <see cref="ProposalTicket"/>).
    /// </summary>
    public void TrackAppended(ProposalTicket ticket, ReceiptWaiter[] batchWaiters)
    {
        if (batchWaiters.Length == 0 || appended.Count >= AppendedBatchesMax)
        {
            return;
        }

        appended.Enqueue(new AppendedBatch(ticket, batchWaiters));
    }

    /// <summary>
    /// The entry at <paramref name="index"/> with <paramref name="term"/> was applied (called on the apply
    /// thread, after its transactions' waiters were completed). A tracked batch at that index with another
    /// term was overwritten by a later leader: its remaining waiters fail, and the client resubmits.
    /// </summary>
    public void OnEntryApplied(ulong index, ulong term)
    {
        while (appended.TryPeek(out var batch) && batch.Ticket.Index <= index)
        {
            appended.TryDequeue(out _);
            if (batch.Ticket.Index == index && batch.Ticket.Term == term)
            {
                // Ours: every transaction in it was completed when the block was applied.
                continue;
            }

            var error = new Grpc.Core.RpcException(new Grpc.Core.Status(
                Grpc.Core.StatusCode.Unavailable,
                $"the entry holding this transaction (index {batch.Ticket.Index}, term {batch.Ticket.Term}) was overwritten by a later leader; resubmit the same signed transaction"));
            foreach (var waiter in batch.Waiters)
            {
                // Only if this batch is still what the waiter waits for (a resubmission may have re-batched it).
                if (ReferenceEquals(waiter.Ticket, batch.Ticket))
                {
                    Fail(waiter, error);
                }
            }
        }
    }

    private bool Remove(ReceiptWaiter waiter)
    {
        if (waiters.TryRemove(new KeyValuePair<byte[], ReceiptWaiter>(waiter.TransactionHash, waiter)))
        {
            Interlocked.Decrement(ref count);
            return true;
        }

        return false;
    }

    private readonly record struct AppendedBatch(ProposalTicket Ticket, ReceiptWaiter[] Waiters);
}
