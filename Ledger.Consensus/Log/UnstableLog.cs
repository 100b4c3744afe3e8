namespace Ledger.Consensus;

/// <summary>
/// The in-memory tail of the log: entries (and possibly an incoming snapshot) the host has not yet reported
/// durable through <see cref="RaftNode.Advance"/> — indexes [<see cref="Offset"/>, last] — plus recently
/// persisted entries [<see cref="HeldFirst"/>, <see cref="Offset"/>) kept until applied, so that Readies and
/// append messages can hand out windows onto them instead of copies.
/// </summary>
/// <remarks>
/// Entries live in <see cref="EntryChunk"/> blocks whose slots are written once and never rewritten while a
/// window may point at them: a truncation or a full block moves writing to a fresh block (the unstable tail is
/// copied there, so the unstable entries are always one contiguous window). A block that no longer holds any
/// entry is recycled only after the Ready handed out after its retirement has been advanced: every window
/// onto it was in that Ready or an earlier one, and the contract makes windows valid only until their Ready's
/// Advance. Recycling bumps the block's generation, so a window held past its lifetime throws on access.
/// </remarks>
internal sealed class UnstableLog
{
    /// <summary>Free blocks kept for reuse; more are left to the garbage collector.</summary>
    private const int FreeChunksMax = 4;

    /// <summary>
    /// Released entries a block may keep referencing before new entries go to a fresh block (so it can be retired
    /// and recycled): slots are never cleared while windows may read them, so without this bound a block kept up
    /// to <see cref="EntryChunk.StandardSlots"/> applied entries alive. With 10,000-item batches (~0.6 MB per entry)
    /// that was gigabytes: a node under a 2 GiB heap limit died of OutOfMemory at ~35M items (issue #18).
    /// </summary>
    public const long ReleasedBytesPerChunkMax = 32L * 1024 * 1024;

    private readonly List<Segment> segments = [];
    private readonly Stack<EntryChunk> free = new();
    private readonly List<EntryChunk> retiredSinceReady = [];
    private readonly List<EntryChunk> retiredAwaitingAdvance = [];
    private readonly int chunkSlots;
    private ulong heldFirst;
    private ulong offset;
    private ulong next;

    /// <param name="offset">First index not in storage.</param>
    /// <param name="chunkSlots">Entries per block; tests use tiny blocks to exercise every block transition.</param>
    public UnstableLog(ulong offset, int chunkSlots = EntryChunk.StandardSlots)
    {
        this.chunkSlots = chunkSlots;
        this.offset = offset;
        heldFirst = offset;
        next = offset;
    }

    public Snapshot? Snapshot { get; private set; }

    /// <summary>First unstable index.</summary>
    public ulong Offset => offset;

    /// <summary>First index held in memory (persisted or not); entries below it are read from storage.</summary>
    public ulong HeldFirst => heldFirst;

    /// <summary>Number of unstable entries.</summary>
    public int Count => (int)(next - offset);

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
        if (next > offset)
        {
            index = next - 1;
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

        if (index >= next)
        {
            return false;
        }

        term = EntryAt(index).Term;
        return true;
    }

    /// <summary>The host made entries up to <paramref name="index"/> durable; they stop being unstable if still ours.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var storedTerm))
        {
            return;
        }

        // A term mismatch means a new leader replaced these entries while the host was persisting the old ones.
        if (storedTerm == term && index >= offset)
        {
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
        RetireAll();
        offset = snapshot.Metadata.Index + 1;
        heldFirst = offset;
        next = offset;
        Snapshot = snapshot;
    }

    public void TruncateAndAppend(ReadOnlySpan<Entry> incoming)
    {
        var from = incoming[0].Index;
        if (from != next)
        {
            // The caller verified that the durable prefix before `from` matches.
            TruncateFrom(from);
        }

        foreach (var entry in incoming)
        {
            AppendOne(entry);
        }
    }

    public void AppendOne(Entry entry)
    {
        if (entry.Index != next)
        {
            RaftInvariantException.Throw($"In-memory append of index {entry.Index} does not follow the last index {next - 1}.");
        }

        var chunk = WritableChunk();
        var last = segments[^1];
        chunk.Slots[chunk.Written++] = entry;
        segments[^1] = last with { Count = last.Count + 1 };
        next++;
    }

    /// <summary>Forgets persisted entries up to <paramref name="index"/> (never unstable ones); later reads go to storage.</summary>
    public void ReleaseTo(ulong index)
    {
        index = Math.Min(index, offset - 1);
        if (index < heldFirst)
        {
            return;
        }

        // Segments are contiguous, so dropping from the front is dropping the lowest indexes.
        while (segments.Count > 0)
        {
            var first = segments[0];
            var end = first.FirstIndex + (ulong)first.Count;
            if (index + 1 < end)
            {
                var drop = (int)(index + 1 - first.FirstIndex);
                first.Chunk.ReleasedBytes += BytesOf(first.Chunk, first.Start, drop);
                segments[0] = new Segment(first.Chunk, first.Start + drop, index + 1, first.Count - drop);
                break;
            }

            var writable = segments.Count == 1 && first.Start + first.Count == first.Chunk.Written && first.Chunk.Written < first.Chunk.Capacity;
            if (writable)
            {
                // The block new entries go into: keep it, empty (until its released entries reach the bound).
                first.Chunk.ReleasedBytes += BytesOf(first.Chunk, first.Start, first.Count);
                segments[0] = new Segment(first.Chunk, first.Start + first.Count, end, 0);
                break;
            }

            segments.RemoveAt(0);
            Retire(first.Chunk);
            if (index + 1 == end)
            {
                break;
            }
        }

        heldFirst = index + 1;
    }

    /// <summary>
    /// A window onto held entries from <paramref name="low"/> (&gt;= <see cref="HeldFirst"/>) up to
    /// <paramref name="high"/> (exclusive), cut at a block boundary, at <paramref name="maxCount"/>, and where
    /// the sizes exceed <paramref name="bytesBudget"/> (the first entry always fits).
    /// </summary>
    public EntrySlice Window(ulong low, ulong high, long bytesBudget, int maxCount)
    {
        if (low < heldFirst || high > next || low > high)
        {
            RaftInvariantException.Throw($"In-memory slice [{low},{high}) out of bounds [{heldFirst},{next}).");
        }

        if (low == high)
        {
            return EntrySlice.Empty;
        }

        var segment = SegmentOf(low);
        var start = segment.Start + (int)(low - segment.FirstIndex);
        var available = (ulong)(segment.FirstIndex + (ulong)segment.Count - low);
        var limit = (int)Math.Min(Math.Min(high - low, available), (ulong)maxCount);
        var slots = segment.Chunk.Slots;
        long used = 0;
        var count = 0;
        while (count < limit)
        {
            var size = slots[start + count].SizeBytes;
            if (count > 0 && used + size > bytesBudget)
            {
                break;
            }

            used += size;
            count++;
        }

        return new EntrySlice(segment.Chunk, start, count);
    }

    /// <summary>The unstable entries, always one window (see the remarks).</summary>
    public EntrySlice UnstableWindow()
    {
        var window = Window(offset, next, long.MaxValue, int.MaxValue);
        if ((ulong)window.Length != next - offset)
        {
            // A Ready must carry every unstable entry, or its hard state could commit past what it persists.
            RaftInvariantException.Throw($"Unstable entries [{offset},{next}) are not contiguous in memory ({window.Length} in one block).");
        }

        return window;
    }

    /// <summary>A Ready was handed out: blocks retired before now may be referenced by it, so wait for its Advance.</summary>
    public void OnReadyHandedOut()
    {
        retiredAwaitingAdvance.AddRange(retiredSinceReady);
        retiredSinceReady.Clear();
    }

    /// <summary>The Ready was advanced: every window onto the blocks retired before it was handed out is dead.</summary>
    public void OnReadyAdvanced()
    {
        foreach (var chunk in retiredAwaitingAdvance)
        {
            chunk.Recycle();
            if (chunk.Capacity == chunkSlots && free.Count < FreeChunksMax)
            {
                free.Push(chunk);
            }
        }

        retiredAwaitingAdvance.Clear();
    }

    /// <summary>Bytes of the entries every block still in use references, released or not (what this log keeps alive; tests).</summary>
    internal long ReferencedBytes
    {
        get
        {
            long total = 0;
            var seen = new HashSet<EntryChunk>();
            foreach (var chunk in AllChunks())
            {
                if (seen.Add(chunk))
                {
                    total += BytesOf(chunk, 0, chunk.Written);
                }
            }

            return total;
        }
    }

    private IEnumerable<EntryChunk> AllChunks()
    {
        foreach (var segment in segments)
        {
            yield return segment.Chunk;
        }

        foreach (var chunk in retiredSinceReady)
        {
            yield return chunk;
        }

        foreach (var chunk in retiredAwaitingAdvance)
        {
            yield return chunk;
        }
    }

    private static long BytesOf(EntryChunk chunk, int start, int count)
    {
        long bytes = 0;
        var slots = chunk.Slots;
        for (var i = start; i < start + count; i++)
        {
            bytes += slots[i].SizeBytes;
        }

        return bytes;
    }

    private Entry EntryAt(ulong index) => SegmentOf(index).EntryAt(index);

    private Segment SegmentOf(ulong index)
    {
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var segment = segments[i];
            if (segment.FirstIndex <= index)
            {
                if (index >= segment.FirstIndex + (ulong)segment.Count)
                {
                    break;
                }

                return segment;
            }
        }

        RaftInvariantException.Throw($"Index {index} is not held in memory [{heldFirst},{next}).");
        return default;
    }

    /// <summary>The block the next entry goes into; moves the unstable tail to a fresh block when the current one cannot take it.</summary>
    private EntryChunk WritableChunk()
    {
        if (segments.Count > 0)
        {
            var last = segments[^1];
            var chunk = last.Chunk;
            if (last.Start + last.Count == chunk.Written && chunk.Written < chunk.Capacity && chunk.ReleasedBytes < ReleasedBytesPerChunkMax)
            {
                return chunk;
            }
        }

        var tail = (int)(next - offset);
        var fresh = Rent(tail + 1);
        if (tail > 0)
        {
            var last = segments[^1];
            var tailStart = last.Start + (int)(offset - last.FirstIndex);
            Array.Copy(last.Chunk.Slots, tailStart, fresh.Slots, 0, tail);
            fresh.Written = tail;
            var kept = last.Count - tail;
            if (kept == 0)
            {
                segments.RemoveAt(segments.Count - 1);
                Retire(last.Chunk);
            }
            else
            {
                segments[^1] = last with { Count = kept };
            }
        }
        else if (segments.Count > 0 && segments[^1].Count == 0)
        {
            var empty = segments[^1];
            segments.RemoveAt(segments.Count - 1);
            Retire(empty.Chunk);
        }

        segments.Add(new Segment(fresh, 0, offset, tail));
        if (segments.Count == 1)
        {
            heldFirst = offset;
        }

        return fresh;
    }

    private void TruncateFrom(ulong from)
    {
        if (from > next)
        {
            RaftInvariantException.Throw($"Truncation at {from} would leave a gap after {next - 1}.");
        }

        while (segments.Count > 0 && segments[^1].FirstIndex >= from)
        {
            var last = segments[^1];
            segments.RemoveAt(segments.Count - 1);
            Retire(last.Chunk);
        }

        if (segments.Count > 0)
        {
            var last = segments[^1];
            var keep = (int)Math.Min((ulong)last.Count, from - last.FirstIndex);
            segments[^1] = last with { Count = keep };
        }

        next = from;
        offset = Math.Min(offset, from);
        heldFirst = Math.Min(heldFirst, from);
        if (segments.Count == 0)
        {
            heldFirst = from;
        }
    }

    private void RetireAll()
    {
        foreach (var segment in segments)
        {
            Retire(segment.Chunk);
        }

        segments.Clear();
    }

    private void Retire(EntryChunk chunk) => retiredSinceReady.Add(chunk);

    private EntryChunk Rent(int slotsNeeded)
    {
        if (slotsNeeded > chunkSlots)
        {
            // More unstable entries than a standard block holds (a huge append): a one-off block.
            return new EntryChunk(Math.Max(slotsNeeded * 2, chunkSlots));
        }

        return free.Count > 0 ? free.Pop() : new EntryChunk(chunkSlots);
    }

    /// <summary>Indexes [FirstIndex, FirstIndex + Count) stored at slots [Start, Start + Count) of one block.</summary>
    private readonly record struct Segment(EntryChunk Chunk, int Start, ulong FirstIndex, int Count)
    {
        public Entry EntryAt(ulong index) => Chunk.Slots[Start + (int)(index - FirstIndex)];
    }
}
