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
/// <para>
/// The state machine's own writes are not held (they must be readable at once), so the node applies an
/// entry only once it is durable here (<see cref="WaitUntilDurable"/>): with real unsynced writes a power
/// cut loses the log's tail and the state built from it together, and a node whose applied state were
/// ahead of its log after a kill would only refuse to start instead of showing the bug. What is lost is
/// what matters: acknowledgements and votes this node sent for entries and terms it no longer holds.
/// </para>
/// </summary>
public sealed class DeferredRaftWrites
{
    /// <summary>
    /// How often the node flushes held writes: the window in which a killed node loses what it acknowledged.
    /// One second: long enough that a kill soon after an acknowledgement usually lands inside it (at 200 ms
    /// the round trip to the client and the kill itself took most of the window on a loaded machine, and
    /// only one kill in four lost anything), and still far shorter than the 30 s an operating system may
    /// keep unsynced data in its cache before writing it back (Linux <c>dirty_expire_centisecs</c>).
    /// </summary>
    public const int FlushIntervalMilliseconds = 1_000;

    /// <summary>Writes held at most; one more flushes them at once (a bound, not a tuning knob).</summary>
    public const int HeldWritesMax = 16_384;

    private readonly LedgerDatabase database;
    private readonly object gate = new();
    private readonly Queue<(byte[] Batch, ulong LastIndexAfter)> held = new();
    private ulong durableLastIndex;

    /// <param name="durableLastIndex">The log's last index on disk when holding starts.</param>
    public DeferredRaftWrites(LedgerDatabase database, ulong durableLastIndex)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        this.durableLastIndex = durableLastIndex;
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

    /// <summary>The Raft log's last index as of the last write that reached the disk.</summary>
    public ulong DurableLastIndex
    {
        get
        {
            lock (gate)
            {
                return durableLastIndex;
            }
        }
    }

    /// <summary>
    /// Holds a copy of <paramref name="batch"/> instead of writing it; <paramref name="lastIndexAfter"/> is
    /// the log's last index once it is written.
    /// </summary>
    public void Hold(WriteBatch batch, ulong lastIndexAfter)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var bytes = batch.ToBytes();
        lock (gate)
        {
            if (held.Count >= HeldWritesMax)
            {
                FlushLocked();
            }

            held.Enqueue((bytes, lastIndexAfter));
        }
    }

    /// <summary>
    /// Blocks until the log is durable up to <paramref name="index"/> (the next flush at the latest), so
    /// what is built from an entry never reaches the disk ahead of the entry itself: after a kill the
    /// node's state is a consistent, if shorter, prefix, as after a power cut with unsynced writes.
    /// </summary>
    public void WaitUntilDurable(ulong index)
    {
        lock (gate)
        {
            while (durableLastIndex < index && held.Count > 0)
            {
                Monitor.Wait(gate);
            }
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
        while (held.TryPeek(out var next))
        {
            using var batch = new WriteBatch(next.Batch);
            database.Write(batch, sync: true);
            held.Dequeue();
            durableLastIndex = next.LastIndexAfter;
        }

        Monitor.PulseAll(gate);
    }
}
