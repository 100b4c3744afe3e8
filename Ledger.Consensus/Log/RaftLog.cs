namespace Ledger.Consensus;

/// <summary>
/// The node's view of the log: the durable part in <see cref="IRaftLogStorage"/> followed by the
/// <see cref="UnstableLog"/>, plus the commit and apply cursors.
/// Invariant: applied &lt;= committed &lt;= last index, and committed never decreases.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLogStorage storage;
    private readonly UnstableLog unstable;

    public RaftLog(IRaftLogStorage storage)
    {
        this.storage = storage;
        var firstIndex = storage.FirstIndex();
        var lastIndex = storage.LastIndex();
        unstable = new UnstableLog(lastIndex + 1);
        Committed = firstIndex - 1;
        Applied = firstIndex - 1;
    }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public UnstableLog Unstable => unstable;

    public ulong FirstIndex => unstable.TryFirstIndex(out var index) ? index : storage.FirstIndex();

    public ulong LastIndex => unstable.TryLastIndex(out var index) ? index : storage.LastIndex();

    public ulong LastTerm
    {
        get
        {
            var last = LastIndex;
            if (!TryTerm(last, out var term))
            {
                RaftInvariantException.Throw($"Term of the last index {last} is unknown.");
            }

            return term;
        }
    }

    /// <summary>Term at <paramref name="index"/>; false when compacted away or beyond the last index.</summary>
    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        var dummyIndex = FirstIndex - 1;
        if (index < dummyIndex || index > LastIndex)
        {
            return false;
        }

        if (unstable.TryTerm(index, out term))
        {
            return true;
        }

        try
        {
            term = storage.Term(index);
            return true;
        }
        catch (RaftLogCompactedException)
        {
            return false;
        }
        catch (RaftLogUnavailableException)
        {
            return false;
        }
    }

    public ulong TermOrZero(ulong index) => TryTerm(index, out var term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var actual) && actual == term;

    /// <summary>Dissertation §3.6.1: compare last terms, then lengths.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong term)
    {
        var ourLastTerm = LastTerm;
        return term > ourLastTerm || (term == ourLastTerm && lastIndex >= LastIndex);
    }

    /// <summary>First index whose entry conflicts with (or is missing for) <paramref name="entries"/>; 0 if all match.</summary>
    public ulong FindConflict(ReadOnlySpan<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>
    /// Largest index &lt;= <paramref name="index"/> whose term is &lt;= <paramref name="term"/>, with its term.
    /// Used by both ends of fast log backtracking: every entry above it is known not to match.
    /// </summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        for (; index > 0; index--)
        {
            if (!TryTerm(index, out var ourTerm))
            {
                return (index, 0);
            }

            if (ourTerm <= term)
            {
                return (index, ourTerm);
            }
        }

        return (0, 0);
    }

    /// <summary>
    /// Follower side of AppendEntries (§3.5): if the entry at <paramref name="index"/> has
    /// <paramref name="logTerm"/>, append <paramref name="entries"/> (truncating conflicts) and advance commit.
    /// </summary>
    public bool TryAppend(ulong index, ulong logTerm, ulong leaderCommit, EntrySlice entries, out ulong lastNewIndex)
    {
        lastNewIndex = 0;
        if (!MatchTerm(index, logTerm))
        {
            return false;
        }

        lastNewIndex = index + (ulong)entries.Length;
        var conflict = FindConflict(entries.Span);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                RaftInvariantException.Throw($"Entry {conflict} conflicts with committed entry (committed {Committed}).");
            }

            var start = (int)(conflict - (index + 1));
            Append(entries.Span[start..]);
        }

        CommitTo(Math.Min(leaderCommit, lastNewIndex));
        return true;
    }

    /// <summary>Appends entries that may overwrite an uncommitted suffix.</summary>
    public ulong Append(ReadOnlySpan<Entry> entries)
    {
        if (entries.Length == 0)
        {
            return LastIndex;
        }

        var after = entries[0].Index - 1;
        if (after < Committed)
        {
            RaftInvariantException.Throw($"Append after index {after} would truncate committed entries (committed {Committed}).");
        }

        if (after > LastIndex)
        {
            RaftInvariantException.Throw($"Append after index {after} would leave a gap (last index {LastIndex}).");
        }

        unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    /// <summary>Leader append: never truncates, always exactly at the end.</summary>
    public void AppendAtEnd(Entry entry)
    {
        var last = LastIndex;
        if (entry.Index != last + 1)
        {
            RaftInvariantException.Throw($"Leader append of index {entry.Index} is not at the end of its log (last {last}); a leader never truncates its own log.");
        }

        if (unstable.Count == 0 && unstable.Offset != entry.Index)
        {
            RaftInvariantException.Throw($"Unstable offset {unstable.Offset} does not follow the durable log for index {entry.Index}.");
        }

        unstable.AppendOne(entry);
    }

    public void CommitTo(ulong toCommit)
    {
        if (toCommit <= Committed)
        {
            return;
        }

        var last = LastIndex;
        if (toCommit > last)
        {
            RaftInvariantException.Throw($"Commit index {toCommit} is beyond the last index {last}: the log is corrupt, truncated or lost.");
        }

        Committed = toCommit;
    }

    /// <summary>§3.6.2: a leader commits only by counting replicas of an entry from its own term.</summary>
    public bool MaybeCommit(ulong quorumIndex, ulong term, bool countPriorTerms)
    {
        if (quorumIndex <= Committed)
        {
            return false;
        }

        if (!countPriorTerms && TermOrZero(quorumIndex) != term)
        {
            return false;
        }

        CommitTo(quorumIndex);
        return true;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0)
        {
            return;
        }

        if (index > Committed)
        {
            RaftInvariantException.Throw($"Applied index {index} is beyond the commit index {Committed}.");
        }

        if (index < Applied)
        {
            RaftInvariantException.Throw($"Applied index {index} went backwards from {Applied}.");
        }

        Applied = index;
    }

    /// <summary>Applied cursor on restart (host's persisted applied index).</summary>
    public void RestoreApplied(ulong index)
    {
        if (index < Applied)
        {
            return;
        }

        if (index > Committed)
        {
            RaftInvariantException.Throw($"Configured applied index {index} is beyond the commit index {Committed}.");
        }

        Applied = index;
    }

    public void StableTo(ulong index, ulong term) => unstable.StableTo(index, term);

    public void StableSnapshotTo(ulong index) => unstable.StableSnapshotTo(index);

    public bool HasUnstableEntries => unstable.Count > 0;

    /// <summary>Last index the host has made durable (entries below the unstable offset).</summary>
    public ulong DurableLastIndex => unstable.Offset - 1;

    /// <summary>All unstable entries as one window (valid until the Ready carrying it is advanced).</summary>
    public EntrySlice UnstableEntries() => unstable.UnstableWindow();

    public bool HasNextCommittedEntries()
    {
        var low = Math.Max(Applied + 1, FirstIndex);
        return Committed + 1 > low;
    }

    /// <summary>Committed entries not yet handed out to apply; may be fewer than all of them (bytes, block boundary).</summary>
    public EntrySlice NextCommittedEntries(long maxBytes)
    {
        var low = Math.Max(Applied + 1, FirstIndex);
        if (Committed + 1 <= low)
        {
            return EntrySlice.Empty;
        }

        return Slice(low, Committed + 1, maxBytes, int.MaxValue);
    }

    /// <summary>
    /// Lets go of in-memory copies of durable entries that are applied, or that lie more than
    /// <paramref name="heldDurableEntriesMax"/> behind the durable end; later reads of them go to storage.
    /// </summary>
    public void ReleaseHeldEntries(int heldDurableEntriesMax)
    {
        var durable = DurableLastIndex;
        var behind = durable > (ulong)heldDurableEntriesMax ? durable - (ulong)heldDurableEntriesMax : 0;
        unstable.ReleaseTo(Math.Max(Applied, behind));
    }

    public Snapshot Snapshot() => unstable.Snapshot ?? storage.Snapshot();

    /// <summary>Up to <paramref name="maxCount"/> entries from <paramref name="low"/> to the end within <paramref name="maxBytes"/>.</summary>
    public EntrySlice EntriesFrom(ulong low, long maxBytes, int maxCount)
    {
        var last = LastIndex;
        if (low > last)
        {
            return EntrySlice.Empty;
        }

        var high = last + 1;
        if (high - low > (ulong)maxCount)
        {
            high = low + (ulong)maxCount;
        }

        return Slice(low, high, maxBytes, maxCount);
    }

    /// <summary>
    /// A prefix (at least one entry) of [<paramref name="low"/>, <paramref name="high"/>) within the limits; throws
    /// <see cref="RaftLogCompactedException"/> below the first index. The prefix may stop early where the entries
    /// move from storage to memory or between memory blocks: callers take what they get and come back for the rest.
    /// Entries held in memory come back as a window, without copying; entries read from storage are copied once.
    /// </summary>
    public EntrySlice Slice(ulong low, ulong high, long maxBytes, int maxCount)
    {
        if (low > high)
        {
            RaftInvariantException.Throw($"Invalid slice [{low},{high}).");
        }

        var first = FirstIndex;
        if (low < first)
        {
            throw new RaftLogCompactedException(low, first);
        }

        var last = LastIndex;
        if (high > last + 1)
        {
            RaftInvariantException.Throw($"Slice [{low},{high}) is beyond the last index {last}.");
        }

        if (low == high)
        {
            return EntrySlice.Empty;
        }

        var heldFirst = unstable.HeldFirst;
        if (low >= heldFirst)
        {
            return unstable.Window(low, high, maxBytes, maxCount);
        }

        // Older than what memory holds (after a restart, or for a lagging follower): one copy from storage.
        var stored = storage.Entries(low, Math.Min(high, heldFirst), maxBytes);
        var count = Math.Min(stored.Count, maxCount);
        if (count == 0)
        {
            return EntrySlice.Empty;
        }

        var result = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = stored[i];
        }

        return result;
    }

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        unstable.Restore(snapshot);
    }
}
