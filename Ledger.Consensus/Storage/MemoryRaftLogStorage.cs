namespace Ledger.Consensus;

/// <summary>
/// In-memory <see cref="IRaftLogStorage"/> for tests, the simulator and single-process benches.
/// The first slot of the entry list is a dummy holding the snapshot's index and term. Thread-safe.
/// </summary>
public sealed class MemoryRaftLogStorage : IRaftLogStorage
{
    private readonly Lock sync = new();
    private readonly List<Entry> entries;
    private HardState hardState;
    private Snapshot snapshot;
    private ConfState confState;

    /// <summary>
    /// A fresh log whose initial membership is <paramref name="bootstrap"/>, carried by an empty snapshot at
    /// index 0 that cannot be shipped to other nodes. Fine for tests and fixed clusters; a cluster that will
    /// add nodes should use <see cref="ForFoundingMember"/>. A joining node uses <see cref="ConfState.Empty"/>.
    /// </summary>
    public MemoryRaftLogStorage(ConfState bootstrap)
    {
        ArgumentNullException.ThrowIfNull(bootstrap);
        snapshot = new Snapshot(new SnapshotMetadata(0, 0, bootstrap), ReadOnlyMemory<byte>.Empty);
        confState = bootstrap;
        entries = [new Entry(0, 0, EntryType.Normal, ReadOnlyMemory<byte>.Empty)];
    }

    /// <summary>Storage of a founding member, bootstrapped as <see cref="RaftBootstrap"/> describes.</summary>
    public static MemoryRaftLogStorage ForFoundingMember(ConfState founders)
    {
        var storage = new MemoryRaftLogStorage(ConfState.Empty);
        storage.ApplySnapshot(RaftBootstrap.FoundingSnapshot(founders));
        storage.SetHardState(RaftBootstrap.FoundingHardState);
        return storage;
    }

    /// <summary>A fresh log of voters <paramref name="voters"/> (index-0 membership, see the constructor).</summary>
    public static MemoryRaftLogStorage WithVoters(params ulong[] voters) => new(new ConfState(voters, []));

    public HardState HardState
    {
        get
        {
            lock (sync)
            {
                return hardState;
            }
        }
    }

    /// <summary>Membership as last set by bootstrap, a snapshot or <see cref="SetConfState"/>.</summary>
    public ConfState ConfState
    {
        get
        {
            lock (sync)
            {
                return confState;
            }
        }
    }

    public RaftInitialState InitialState()
    {
        lock (sync)
        {
            return new RaftInitialState(hardState, confState);
        }
    }

    /// <summary>Records membership after the host applied a conf change, so a restart sees it.</summary>
    public void SetConfState(ConfState confState)
    {
        ArgumentNullException.ThrowIfNull(confState);
        lock (sync)
        {
            this.confState = confState;
        }
    }

    public void SetHardState(HardState state)
    {
        lock (sync)
        {
            hardState = state;
        }
    }

    public IReadOnlyList<Entry> Entries(ulong low, ulong high, long maxBytes)
    {
        lock (sync)
        {
            var offset = entries[0].Index;
            if (low <= offset)
            {
                throw new RaftLogCompactedException(low, offset + 1);
            }

            var last = LastIndexLocked();
            if (high > last + 1)
            {
                throw new RaftLogUnavailableException(high - 1, last);
            }

            if (low >= high)
            {
                return [];
            }

            var count = (int)(high - low);
            var start = (int)(low - offset);
            var result = new List<Entry>(Math.Min(count, 1024));
            long bytes = 0;
            for (var i = 0; i < count; i++)
            {
                var entry = entries[start + i];
                bytes += entry.SizeBytes;
                if (i > 0 && bytes > maxBytes)
                {
                    break;
                }

                result.Add(entry);
            }

            return result;
        }
    }

    public ulong Term(ulong index)
    {
        lock (sync)
        {
            var offset = entries[0].Index;
            if (index < offset)
            {
                throw new RaftLogCompactedException(index, offset + 1);
            }

            var position = index - offset;
            if (position >= (ulong)entries.Count)
            {
                throw new RaftLogUnavailableException(index, LastIndexLocked());
            }

            return entries[(int)position].Term;
        }
    }

    public ulong FirstIndex()
    {
        lock (sync)
        {
            return entries[0].Index + 1;
        }
    }

    public ulong LastIndex()
    {
        lock (sync)
        {
            return LastIndexLocked();
        }
    }

    public Snapshot Snapshot()
    {
        lock (sync)
        {
            return snapshot;
        }
    }

    /// <summary>Replaces the whole log with <paramref name="incoming"/> (from a Ready); refuses older snapshots.</summary>
    public void ApplySnapshot(Snapshot incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        lock (sync)
        {
            if (snapshot.Metadata.Index >= incoming.Metadata.Index)
            {
                throw new RaftSnapshotOutOfDateException(incoming.Metadata.Index, snapshot.Metadata.Index);
            }

            snapshot = incoming;
            confState = incoming.Metadata.ConfState;
            entries.Clear();
            entries.Add(new Entry(incoming.Metadata.Term, incoming.Metadata.Index, EntryType.Normal, ReadOnlyMemory<byte>.Empty));
        }
    }

    /// <summary>
    /// Makes a snapshot at <paramref name="index"/> (which must be applied by the host) carrying the
    /// host's state-machine image <paramref name="data"/>. Does not compact; call <see cref="Compact"/>.
    /// </summary>
    public Snapshot CreateSnapshot(ulong index, ConfState confState, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(confState);
        lock (sync)
        {
            if (index <= snapshot.Metadata.Index)
            {
                throw new RaftSnapshotOutOfDateException(index, snapshot.Metadata.Index);
            }

            var offset = entries[0].Index;
            var last = LastIndexLocked();
            if (index > last)
            {
                throw new RaftLogUnavailableException(index, last);
            }

            var term = entries[(int)(index - offset)].Term;
            snapshot = new Snapshot(new SnapshotMetadata(index, term, confState), data);
            return snapshot;
        }
    }

    /// <summary>Discards entries up to and including <paramref name="compactIndex"/>; the host must have snapshotted past them.</summary>
    public void Compact(ulong compactIndex)
    {
        lock (sync)
        {
            var offset = entries[0].Index;
            if (compactIndex <= offset)
            {
                throw new RaftLogCompactedException(compactIndex, offset + 1);
            }

            var last = LastIndexLocked();
            if (compactIndex > last)
            {
                throw new RaftLogUnavailableException(compactIndex, last);
            }

            var position = (int)(compactIndex - offset);
            var dummy = new Entry(entries[position].Term, entries[position].Index, EntryType.Normal, ReadOnlyMemory<byte>.Empty);
            entries.RemoveRange(0, position);
            entries[0] = dummy;
        }
    }

    /// <summary>
    /// Appends <paramref name="incoming"/> (contiguous), truncating any existing entries from the first
    /// incoming index onwards (a new leader overwrote them). Entries already compacted are skipped.
    /// </summary>
    public void Append(IReadOnlyList<Entry> incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        AppendCore(incoming);
    }

    /// <summary>As <see cref="Append(IReadOnlyList{Entry})"/>, for a Ready's entries without boxing them.</summary>
    public void Append(EntrySlice incoming) => AppendCore(incoming);

    private void AppendCore<TList>(TList incoming)
        where TList : IReadOnlyList<Entry>
    {
        if (incoming.Count == 0)
        {
            return;
        }

        lock (sync)
        {
            var first = entries[0].Index + 1;
            var lastIncoming = incoming[incoming.Count - 1].Index;
            if (lastIncoming < first)
            {
                return;
            }

            var skip = first > incoming[0].Index ? (int)(first - incoming[0].Index) : 0;
            var startIndex = incoming[skip].Index;
            var lastStored = LastIndexLocked();
            if (startIndex > lastStored + 1)
            {
                throw new RaftInvariantException($"Append would leave a gap: last stored index {lastStored}, incoming starts at {startIndex}.");
            }

            var keep = (int)(startIndex - entries[0].Index);
            if (keep < entries.Count)
            {
                entries.RemoveRange(keep, entries.Count - keep);
            }

            for (var i = skip; i < incoming.Count; i++)
            {
                entries.Add(incoming[i]);
            }
        }
    }

    /// <summary>
    /// FAULT INJECTION (tests, simulator): the log comes back without the entries after <paramref name="lastIndex"/>, as
    /// a silently cut write-ahead log or a restored older copy would. Refuses to cut into the snapshot.
    /// </summary>
    public void LoseTailAfter(ulong lastIndex)
    {
        lock (sync)
        {
            var offset = entries[0].Index;
            if (lastIndex < offset)
            {
                throw new RaftLogCompactedException(lastIndex, offset + 1);
            }

            var keep = (int)(lastIndex - offset) + 1;
            if (keep < entries.Count)
            {
                entries.RemoveRange(keep, entries.Count - keep);
            }
        }
    }

    private ulong LastIndexLocked() => entries[0].Index + (ulong)entries.Count - 1;
}
