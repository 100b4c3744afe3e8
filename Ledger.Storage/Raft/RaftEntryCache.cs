using Ledger.Consensus;

namespace Ledger.Storage.Raft;

/// <summary>
/// The most recent Raft entries kept in memory, because a leader re-reads them for every follower.
/// A contiguous window ending at the last appended entry, bounded both by count
/// (<see cref="EntriesMax"/>) and by bytes (<see cref="BytesMax"/>, counted as
/// <see cref="Entry.SizeBytes"/>): with 10,000-item batch entries of ~0.5 MB the count alone would
/// let it hold ~4 GB. The oldest entries leave first; whatever is not here is read from RocksDB.
/// Not thread-safe: the drive loop thread owns it.
/// </summary>
public sealed class RaftEntryCache
{
    /// <summary>Entries kept at most.</summary>
    public const int EntriesMax = 8_192;

    /// <summary>Bytes of entries kept at most (64 MiB: a few seconds of batch entries at full ingest).</summary>
    public const long BytesMax = 64L * 1024 * 1024;

    private readonly Entry?[] slots;
    private readonly long bytesMax;
    private ulong firstIndex = 1;
    private int count;
    private long bytes;

    public RaftEntryCache()
        : this(EntriesMax, BytesMax)
    {
    }

    /// <summary>A cache with other bounds (tests).</summary>
    public RaftEntryCache(int entriesMax, long bytesMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entriesMax, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesMax, 1L);
        slots = new Entry?[entriesMax];
        this.bytesMax = bytesMax;
    }

    /// <summary>Entries held now.</summary>
    public int Count => count;

    /// <summary>Bytes held now (sum of <see cref="Entry.SizeBytes"/>), never more than the byte bound.</summary>
    public long Bytes => bytes;

    public bool TryGet(ulong index, out Entry entry)
    {
        if (count > 0 && index >= firstIndex && index - firstIndex < (ulong)count)
        {
            entry = slots[index % (ulong)slots.Length]!;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="entry"/> as the newest: a conflicting suffix at or after its index is
    /// dropped, and a gap before it (a snapshot moved the log) empties the window first. An entry
    /// larger than the whole byte bound is not kept.
    /// </summary>
    public void Append(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (count > 0)
        {
            var next = firstIndex + (ulong)count;
            if (entry.Index < firstIndex || entry.Index > next)
            {
                Clear();
            }
            else
            {
                while (count > 0 && firstIndex + (ulong)count > entry.Index)
                {
                    RemoveNewest();
                }
            }
        }

        if (entry.SizeBytes > bytesMax)
        {
            Clear();
            return;
        }

        if (count == 0)
        {
            firstIndex = entry.Index;
        }

        while (count == slots.Length || bytes + entry.SizeBytes > bytesMax)
        {
            RemoveOldest();
        }

        slots[entry.Index % (ulong)slots.Length] = entry;
        count++;
        bytes += entry.SizeBytes;
    }

    /// <summary>Drops every entry at or below <paramref name="index"/> (the log was compacted there).</summary>
    public void RemoveThrough(ulong index)
    {
        while (count > 0 && firstIndex <= index)
        {
            RemoveOldest();
        }
    }

    /// <summary>Drops every entry at or above <paramref name="index"/> (the log's suffix was truncated there).</summary>
    public void RemoveFrom(ulong index)
    {
        while (count > 0 && firstIndex + (ulong)count > index)
        {
            RemoveNewest();
        }
    }

    public void Clear()
    {
        Array.Clear(slots);
        count = 0;
        bytes = 0;
    }

    private void RemoveOldest()
    {
        var slot = firstIndex % (ulong)slots.Length;
        bytes -= slots[slot]!.SizeBytes;
        slots[slot] = null;
        firstIndex++;
        count--;
    }

    private void RemoveNewest()
    {
        var slot = (firstIndex + (ulong)count - 1) % (ulong)slots.Length;
        bytes -= slots[slot]!.SizeBytes;
        slots[slot] = null;
        count--;
    }
}
