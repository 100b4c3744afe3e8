namespace Ledger.Node.Applying;

/// <summary>
/// Wakes readers (Watch streams, attestation) when a new block is committed. Each waiter gets a
/// task that completes at the next commit; no per-block queues, so a slow watcher cannot grow memory.
/// </summary>
public sealed class BlockNotifier
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong height;

    public ulong Height => Volatile.Read(ref height);

    /// <summary>A task that completes when a block above <paramref name="knownHeight"/> exists.</summary>
    public Task WaitBeyondAsync(ulong knownHeight, CancellationToken cancellationToken)
    {
        var waiter = Volatile.Read(ref next);
        return Height > knownHeight ? Task.CompletedTask : waiter.Task.WaitAsync(cancellationToken);
    }

    public void Publish(ulong newHeight)
    {
        Volatile.Write(ref height, newHeight);
        var previous = Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
