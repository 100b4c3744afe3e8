using System.Collections.Concurrent;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Applying;

/// <summary>
/// Submitters waiting for their transaction to be applied, by transaction hash. Bounded: when
/// <c>capacity</c> waiters exist, new submissions are refused (ResourceExhausted) rather than queued.
/// Completed on the apply path; a waiter that gives up (deadline) removes itself.
/// </summary>
public sealed class PendingReceipts
{
    private readonly ConcurrentDictionary<byte[], TaskCompletionSource<CommittedTransaction>> waiters = new(ByteArrayComparer.Instance);
    private readonly int capacity;
    private int count;

    public PendingReceipts(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    public int Count => Volatile.Read(ref count);

    /// <summary>
    /// Registers interest in <paramref name="transactionHash"/>. Returns false when full. When the
    /// same transaction is already awaited, the existing waiter's task is shared.
    /// </summary>
    public bool TryRegister(byte[] transactionHash, out Task<CommittedTransaction> committed)
    {
        if (waiters.TryGetValue(transactionHash, out var existing))
        {
            committed = existing.Task;
            return true;
        }

        if (Interlocked.Increment(ref count) > capacity)
        {
            Interlocked.Decrement(ref count);
            committed = Task.FromException<CommittedTransaction>(new InvalidOperationException("pending receipt capacity reached"));
            return false;
        }

        var waiter = new TaskCompletionSource<CommittedTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
        var actual = waiters.GetOrAdd(transactionHash, waiter);
        if (!ReferenceEquals(actual, waiter))
        {
            Interlocked.Decrement(ref count);
        }

        committed = actual.Task;
        return true;
    }

    /// <summary>Stops waiting (the caller gave up); the transaction may still commit.</summary>
    public void Forget(byte[] transactionHash)
    {
        if (waiters.TryRemove(transactionHash, out var waiter))
        {
            Interlocked.Decrement(ref count);
            waiter.TrySetCanceled();
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
            waiter.TrySetResult(committed);
        }
    }

    /// <summary>Fails the waiter of one transaction (it could not be replicated).</summary>
    public void Fail(byte[] transactionHash, Exception error)
    {
        if (waiters.TryRemove(transactionHash, out var waiter))
        {
            Interlocked.Decrement(ref count);
            waiter.TrySetException(error);
        }
    }

    /// <summary>Fails every waiter (node stopping or faulted).</summary>
    public void FailAll(Exception error)
    {
        foreach (var key in waiters.Keys)
        {
            if (waiters.TryRemove(key, out var waiter))
            {
                Interlocked.Decrement(ref count);
                waiter.TrySetException(error);
            }
        }
    }
}
