using RocksDbSharp;

namespace Ledger.Storage.Raft;

/// <summary>
/// TEST ONLY (the planted bug <c>skip-raft-fsync</c>). Holds the Raft log's writes (entries and hard
/// state) in memory and writes them to RocksDB only when <see cref="Flush"/> is called (the node does,
/// every <see cref="FlushIntervalMilliseconds"/>), while <see cref="RocksDbRaftLogStorage.Persist"/>
/// returns at once and the drive loop sends its acknowledgements and votes.
/// <para>
/// Why not simply write without fsync: the chaos harness kills node processes, and kill -9 keeps the
/// operating system's page cache, so an unsynced write survives it and the bug would never show. What
/// fsync guards against is losing the write with the machine; losing it with the process is how this
/// emulation makes that loss happen to a killed process: whatever was acknowledged in the last flush
/// interval is gone after a restart. The node's in-memory Raft log still serves the held entries
/// (<see cref="RocksDbRaftLogStorage"/> caches recent entries), so nothing but durability changes.
/// Every other Raft write (membership, snapshot, compaction) flushes what is held first, so the order
/// of writes on disk is the order they were made.
/// </para>
/// </summary>
public sealed class DeferredRaftWrites
{
    /// <summary>How often the node flushes held writes: the window in which a killed node loses what it acknowledged.</summary>
    public const int FlushIntervalMilliseconds = 200;

    /// <summary>Writes held at most; one more flushes them at once (a bound, not a tuning knob).</summary>
    public const int HeldWritesMax = 16_384;

    private readonly LedgerDatabase database;
    private readonly object gate = new();
    private readonly Queue<byte[]> held = new();

    public DeferredRaftWrites(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    /// <summary>Writes held and not yet flushed.</summary>
    public int HeldWrites
    {
        get
        {
            lock (gate)
            {
                return held.Count;
            }
        }
    }

    /// <summary>Holds a copy of <paramref name="batch"/> instead of writing it.</summary>
    public void Hold(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var bytes = batch.ToBytes();
        lock (gate)
        {
            if (held.Count >= HeldWritesMax)
            {
                FlushLocked();
            }

            held.Enqueue(bytes);
        }
    }

    /// <summary>Writes every held batch, in order, synced.</summary>
    public void Flush()
    {
        lock (gate)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        while (held.TryPeek(out var bytes))
        {
            using var batch = new WriteBatch(bytes);
            database.Write(batch, sync: true);
            held.Dequeue();
        }
    }
}
