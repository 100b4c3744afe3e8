using System.Runtime.InteropServices;

namespace Ledger.Consensus;

/// <summary>
/// Entries (and possibly an incoming snapshot) the node holds in memory until the host reports them
/// durable through <see cref="RaftNode.Advance"/>. <see cref="offset"/> is the index of the first entry.
/// </summary>
internal sealed class UnstableLog
{
    private readonly List<Entry> entries = [];
    private ulong offset;

    public UnstableLog(ulong offset)
    {
        this.offset = offset;
    }

    public Snapshot? Snapshot { get; private set; }

    public ulong Offset => offset;

    public int Count => entries.Count;

    public bool TryFirstIndex(out ulong index)
    {
        if (Snapshot is not null)
        {
            index = Snapshot.Metadata.Index + 1;
            return true;
        }

        index = 0;
        return false;
    }

    public bool TryLastIndex(out ulong index)
    {
        if (entries.Count > 0)
        {
            index = offset + (ulong)entries.Count - 1;
            return true;
        }

        if (Snapshot is not null)
        {
            index = Snapshot.Metadata.Index;
            return true;
        }

        index = 0;
        return false;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < offset)
        {
            if (Snapshot is not null && Snapshot.Metadata.Index == index)
            {
                term = Snapshot.Metadata.Term;
                return true;
            }

            return false;
        }

        if (!TryLastIndex(out var last) || index > last)
        {
            return false;
        }

        if (entries.Count == 0)
        {
            // Only the snapshot is held, and index == snapshot index was handled above when below offset.
            return false;
        }

        term = entries[(int)(index - offset)].Term;
        return true;
    }

    /// <summary>The host made entries up to <paramref name="index"/> durable; drop them if still ours.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var storedTerm))
        {
            return;
        }

        // A term mismatch means a new leader replaced these entries while the host was persisting the old ones.
        if (storedTerm == term && index >= offset)
        {
            var count = (int)(index + 1 - offset);
            if (count == entries.Count)
            {
                entries.Clear();
            }
            else
            {
                entries.RemoveRange(0, count);
            }

            offset = index + 1;
        }
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Metadata.Index == index)
        {
            Snapshot = null;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        offset = snapshot.Metadata.Index + 1;
        entries.Clear();
        Snapshot = snapshot;
    }

    public void TruncateAndAppend(ReadOnlySpan<Entry> incoming)
    {
        var from = incoming[0].Index;
        if (from == offset + (ulong)entries.Count)
        {
            // Common case: plain append after the last entry.
        }
        else if (from <= offset)
        {
            // Replace everything unstable; the caller verified the durable prefix matches.
            offset = from;
            entries.Clear();
        }
        else
        {
            var keep = (int)(from - offset);
            entries.RemoveRange(keep, entries.Count - keep);
        }

        foreach (var entry in incoming)
        {
            entries.Add(entry);
        }
    }

    public void AppendOne(Entry entry)
    {
        entries.Add(entry);
    }

    /// <summary>
    /// How many entries from <paramref name="low"/> (up to <paramref name="high"/>, exclusive) fit in
    /// <paramref name="bytesBudget"/>; the first always fits when <paramref name="atLeastOne"/>.
    /// </summary>
    public int CountWithin(ulong low, ulong high, long bytesBudget, bool atLeastOne)
    {
        CheckBounds(low, high);
        long used = 0;
        var count = 0;
        var end = (int)(high - offset);
        for (var i = (int)(low - offset); i < end; i++)
        {
            var size = entries[i].SizeBytes;
            if (used + size > bytesBudget && !(atLeastOne && count == 0))
            {
                break;
            }

            used += size;
            count++;
        }

        return count;
    }

    public void CopyTo(Span<Entry> destination, ulong low)
    {
        CheckBounds(low, low + (ulong)destination.Length);
        CollectionsMarshal.AsSpan(entries).Slice((int)(low - offset), destination.Length).CopyTo(destination);
    }

    private void CheckBounds(ulong low, ulong high)
    {
        if (low < offset || high > offset + (ulong)entries.Count || low > high)
        {
            RaftInvariantException.Throw($"Unstable slice [{low},{high}) out of bounds [{offset},{offset + (ulong)entries.Count}).");
        }
    }

    public Entry[] ToArray() => [.. entries];
}
