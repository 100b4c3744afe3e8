using Ledger.Node.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Node.TestFaults;

/// <summary>
/// TEST ONLY (planted bug <c>skip-raft-fsync</c>): holds the Raft log's writes in memory (see
/// <see cref="DeferredRaftWrites"/>) and writes them out every <see cref="DeferredRaftWrites.FlushIntervalMilliseconds"/>,
/// so a node killed within that window restarts without entries and votes it already acknowledged. A
/// graceful stop flushes (as an operating system writes its cache back eventually); only process death loses.
/// </summary>
public sealed class RaftWriteFlusher : IDisposable
{
    private readonly DeferredRaftWrites writes;
    private readonly ITimer timer;
    private int disposed;

    private RaftWriteFlusher(DeferredRaftWrites writes, TimeProvider timeProvider)
    {
        this.writes = writes;
        var interval = TimeSpan.FromMilliseconds(DeferredRaftWrites.FlushIntervalMilliseconds);
        timer = timeProvider.CreateTimer(_ => FlushQuietly(), null, interval, interval);
    }

    /// <summary>Makes <paramref name="log"/> hold its writes from now on, flushed on a timer until disposed.</summary>
    public static RaftWriteFlusher Install(RocksDbRaftLogStorage log, Storage.LedgerDatabase database, TimeProvider timeProvider)
    {
        var writes = new DeferredRaftWrites(database, log.LastIndex());
        log.DeferredWrites = writes;
        return new RaftWriteFlusher(writes, timeProvider);
    }

    /// <summary>The Raft log's last index on disk (what survives a kill now).</summary>
    public ulong DurableLastIndex => writes.DurableLastIndex;

    /// <summary>The state machine the drive loop should apply to: <paramref name="stateMachine"/>, applying only what is durable.</summary>
    internal IReplicatedStateMachine ApplyingOnlyDurable(IReplicatedStateMachine stateMachine) => new DurableAppliesOnly(stateMachine, writes);

    /// <summary>Stops the timer and writes what is still held; call before the database closes.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        timer.Dispose();
        writes.Flush();
    }

    private void FlushQuietly()
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            return;
        }

        try
        {
            writes.Flush();
        }
        catch (Exception e) when (e is ObjectDisposedException or Storage.Errors.StorageException or RocksDbSharp.RocksDbException)
        {
            // The node is stopping (the database closed under the timer), or the disk failed: the next
            // Raft write that is not held (membership, compaction) flushes and reports it on the drive loop.
        }
    }
}
