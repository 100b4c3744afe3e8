namespace Ledger.Storage.Raft;

/// <summary>
/// The stored size of each Raft entry this process wrote (<see cref="Consensus.Entry.SizeBytes"/>),
/// as running totals, so that log compaction can keep the log within a byte budget without reading
/// entries back. Entries already on disk when the node started are not counted (reading them would
/// cost a full log read at every start): they are the oldest, and the first compaction whose budget
/// is filled by counted entries drops them. 8 bytes per counted entry; the log's own retention
/// bounds how many there are. Not thread-safe: the drive loop thread owns it.
/// </summary>
public sealed class RaftLogByteCount
{
    // totals[i] = bytes of the counted entries firstIndex .. firstIndex + i (inclusive); head = first live slot.
    private readonly List<long> totals = [];
    private int head;
    private ulong firstIndex;
    private long dropped;

    /// <summary>The first counted index (0 when nothing is counted).</summary>
    public ulong FirstCountedIndex => Count == 0 ? 0 : firstIndex;

    /// <summary>Entries counted now.</summary>
    public int Count => totals.Count - head;

    /// <summary>Records entry <paramref name="index"/> of <paramref name="sizeBytes"/>; a gap or an overwrite restarts or cuts the count.</summary>
    public void Append(ulong index, int sizeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeBytes);
        if (Count > 0 && (index < firstIndex || index > firstIndex + (ulong)Count))
        {
            Clear();
        }
        else if (Count > 0)
        {
            RemoveFrom(index);
        }

        if (Count == 0)
        {
            Clear();
            firstIndex = index;
        }

        var before = Count == 0 ? dropped : totals[^1];
        totals.Add(before + sizeBytes);
    }

    /// <summary>Bytes of the counted entries from <paramref name="fromIndex"/> through <paramref name="throughIndex"/>, both inclusive.</summary>
    public long BytesBetween(ulong fromIndex, ulong throughIndex)
    {
        if (Count == 0 || throughIndex < fromIndex)
        {
            return 0;
        }

        var last = firstIndex + (ulong)Count - 1;
        var through = Math.Min(throughIndex, last);
        if (through < firstIndex)
        {
            return 0;
        }

        var from = Math.Max(fromIndex, firstIndex);
        if (from > through)
        {
            return 0;
        }

        return TotalThrough(through) - (from == firstIndex ? dropped : TotalThrough(from - 1));
    }

    /// <summary>
    /// The lowest index i such that the counted entries i .. <paramref name="throughIndex"/> take at
    /// most <paramref name="bytesMax"/> bytes (entries before the counted ones count as nothing).
    /// </summary>
    public ulong FirstIndexWithin(ulong throughIndex, long bytesMax)
    {
        if (Count == 0 || throughIndex < firstIndex)
        {
            return 0;
        }

        var last = Math.Min(throughIndex, firstIndex + (ulong)Count - 1);
        var total = TotalThrough(last);
        if (total - dropped <= bytesMax)
        {
            return 0;
        }

        // Binary search the smallest i in (firstIndex, last + 1] with total - TotalThrough(i - 1) <= bytesMax.
        ulong low = firstIndex + 1;
        var high = last + 1;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (total - TotalThrough(middle - 1) <= bytesMax)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    /// <summary>Forgets entries at or below <paramref name="index"/> (compacted).</summary>
    public void RemoveThrough(ulong index)
    {
        if (Count == 0 || index < firstIndex)
        {
            return;
        }

        var remove = (int)Math.Min((ulong)Count, index - firstIndex + 1);
        dropped = totals[head + remove - 1];
        head += remove;
        firstIndex += (ulong)remove;
        if (head > 1024 && head > totals.Count / 2)
        {
            totals.RemoveRange(0, head);
            head = 0;
        }
    }

    /// <summary>Forgets entries at or above <paramref name="index"/> (a conflicting suffix was truncated).</summary>
    public void RemoveFrom(ulong index)
    {
        if (Count == 0 || index >= firstIndex + (ulong)Count)
        {
            return;
        }

        var keep = index <= firstIndex ? 0 : (int)(index - firstIndex);
        totals.RemoveRange(head + keep, Count - keep);
    }

    public void Clear()
    {
        totals.Clear();
        head = 0;
        firstIndex = 0;
        dropped = 0;
    }

    private long TotalThrough(ulong index) => totals[head + (int)(index - firstIndex)];
}
