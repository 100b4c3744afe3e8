using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Ledger.Registry.State;

/// <summary>
/// Pending writes layered over a parent view: the block's buffer sits on the stored state and each
/// transaction's buffer sits on the block's, so a rejected transaction is dropped whole and
/// changes nothing. Reads see this layer first. Only point reads: the applier never scans.
/// <para>
/// The block's buffer also remembers what the stored state answered for every key it was asked
/// (present or absent), so a key is read from storage at most once per block, and the state-root
/// fold reuses those answers. Its size is bounded by the block's own reads, which the block's
/// transaction count and body limits bound.
/// </para>
/// </summary>
internal sealed class WriteBuffer
{
    private readonly WriteBuffer? parent;
    private readonly Dictionary<StateKey, SharedRecord>? sharedRecords;
    private IRegistryStateReader? baseState;
    private Dictionary<StateKey, byte[]?>? storedReads;
    private Dictionary<StateKey, byte[]?> pending;

    /// <summary>A layer's emptied large table, kept for its next large transaction (at most one, of at most <see cref="RetainedBlockCapacityMax"/>).</summary>
    private Dictionary<StateKey, byte[]?>? largeSpare;

    /// <summary>Whether <see cref="Prefetch"/> reads anything (the stored state answers many keys in one call).</summary>
    public bool CanPrefetch => baseState is IMultiGetStateReader;

    public WriteBuffer(IRegistryStateReader baseState, int capacity = 0)
    {
        this.baseState = baseState;
        pending = new Dictionary<StateKey, byte[]?>(capacity);
        storedReads = new Dictionary<StateKey, byte[]?>(capacity);
        sharedRecords = [];
    }

    public WriteBuffer(WriteBuffer parent, int capacity = 0)
    {
        this.parent = parent;
        pending = new Dictionary<StateKey, byte[]?>(capacity);
    }

    public int PendingCount => pending.Count;

    /// <summary>Above this capacity a bottom buffer's emptied tables are dropped rather than kept for the next block.</summary>
    public const int RetainedBlockCapacityMax = 1 << 17;

    /// <summary>
    /// Points an emptied bottom buffer at the state the next block reads, with room for
    /// <paramref name="capacity"/> writes and reads, reusing the tables of earlier blocks: a
    /// 1,000-transaction block's two tables are ~150 KB each, which as fresh arrays would land on
    /// the large-object heap every block and trigger full collections.
    /// </summary>
    public void BeginBlock(IRegistryStateReader state, int capacity)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (storedReads is null)
        {
            throw new InvalidOperationException("only the bottom write buffer reads the stored state");
        }

        if (pending.Count != 0 || storedReads.Count != 0 || sharedRecords!.Count != 0)
        {
            throw new InvalidOperationException($"a block starts on a bottom buffer still holding {pending.Count} writes and {storedReads.Count} reads of an earlier block");
        }

        baseState = state;
        pending.EnsureCapacity(capacity);
        storedReads.EnsureCapacity(capacity);
    }

    /// <summary>
    /// Forgets everything of the finished block (writes, stored reads, shared records) so the
    /// buffer can serve the next one (<see cref="BeginBlock"/>) and holds no values meanwhile;
    /// tables grown past <see cref="RetainedBlockCapacityMax"/> are dropped.
    /// </summary>
    public void EndBlock()
    {
        if (storedReads is null)
        {
            throw new InvalidOperationException("only the bottom write buffer reads the stored state");
        }

        baseState = null;
        pending = Emptied(pending);
        storedReads = Emptied(storedReads);
        sharedRecords!.Clear();
    }

    private static Dictionary<StateKey, byte[]?> Emptied(Dictionary<StateKey, byte[]?> table)
    {
        if (table.EnsureCapacity(0) > RetainedBlockCapacityMax)
        {
            return [];
        }

        table.Clear();
        return table;
    }

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        if (pending.TryGetValue(key, out value))
        {
            return value is not null;
        }

        return parent is not null ? parent.TryGet(key, out value) : TryGetStored(key, out value);
    }

    /// <summary>
    /// <see cref="TryGet"/> without filling the block's read cache: safe from several threads at
    /// once while nothing writes to any layer.
    /// </summary>
    public bool Peek(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        if (pending.TryGetValue(key, out value))
        {
            return value is not null;
        }

        return parent is not null ? parent.Peek(key, out value) : PeekStored(key, out value);
    }

    /// <summary>Below this many stored reads <see cref="PeekMany"/> reads on the calling thread only.</summary>
    public const int ParallelPeekKeysMin = 2_048;

    /// <summary>
    /// <see cref="Peek"/> for every key of <paramref name="keys"/> into the same slot of
    /// <paramref name="values"/> (null where absent), filling no cache. Keys the layers' pending
    /// writes or the block's read cache answer are taken from there; the rest are read from the
    /// stored state in batched calls when it can (<see cref="IMultiGetStateReader"/>: RocksDB's
    /// MultiGet shares the per-read setup, memtable and filter probes across keys instead of one
    /// point read each), split over up to <paramref name="parallelismMax"/> threads, else one by
    /// one. Same answers as <see cref="Peek"/> key by key: nothing writes to any layer meanwhile.
    /// </summary>
    public void PeekMany(ReadOnlySpan<StateKey> keys, Span<byte[]?> values, int parallelismMax)
    {
        if (values.Length != keys.Length)
        {
            throw new ArgumentException($"{values.Length} value slots for {keys.Length} keys", nameof(values));
        }

        var bottom = Bottom();
        var missing = new List<int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (!TryPeekCached(keys[i], out values[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        var missingKeys = new StateKey[missing.Count];
        for (var m = 0; m < missingKeys.Length; m++)
        {
            missingKeys[m] = keys[missing[m]];
        }

        var stored = new byte[]?[missingKeys.Length];
        var storedState = bottom.baseState!;
        var parts = parallelismMax <= 1 || missingKeys.Length < ParallelPeekKeysMin ? 1 : Math.Min(parallelismMax, missingKeys.Length / (ParallelPeekKeysMin / 2));
        if (parts <= 1)
        {
            ReadStored(storedState, missingKeys, stored, 0, missingKeys.Length);
        }
        else
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parallelismMax }, part =>
            {
                var start = (int)((long)missingKeys.Length * part / parts);
                var end = (int)((long)missingKeys.Length * (part + 1) / parts);
                ReadStored(storedState, missingKeys, stored, start, end - start);
            });
        }

        for (var m = 0; m < missingKeys.Length; m++)
        {
            values[missing[m]] = stored[m];
        }
    }

    // A key's answer from the layers' pending writes or the block's read cache, if either has it.
    private bool TryPeekCached(StateKey key, out byte[]? value)
    {
        for (var layer = this; layer is not null; layer = layer.parent)
        {
            if (layer.pending.TryGetValue(key, out value))
            {
                return true;
            }

            if (layer.storedReads is not null && layer.storedReads.TryGetValue(key, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    private static void ReadStored(IRegistryStateReader storedState, StateKey[] keys, byte[]?[] values, int start, int length)
    {
        if (storedState is IMultiGetStateReader multiGet)
        {
            multiGet.TryGetMany(keys.AsSpan(start, length), values.AsSpan(start, length));
            return;
        }

        for (var i = start; i < start + length; i++)
        {
            values[i] = storedState.TryGet(keys[i], out var value) ? value : null;
        }
    }

    /// <summary>This layer's own pending value (not a parent's, not storage): a batch's check against its earlier items.</summary>
    public bool TryGetPending(StateKey key, [NotNullWhen(true)] out byte[]? value) => pending.TryGetValue(key, out value) && value is not null;

    /// <summary>The value in the stored state under this block (before any of its writes); bottom buffer only.</summary>
    public bool TryGetStored(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        if (storedReads is null)
        {
            return parent!.TryGetStored(key, out value);
        }

        if (!storedReads.TryGetValue(key, out value))
        {
            value = baseState!.TryGet(key, out var stored) ? stored : null;
            storedReads[key] = value;
        }

        return value is not null;
    }

    /// <summary>
    /// Reads <paramref name="keys"/> from the stored state in one call, when it can
    /// (<see cref="IMultiGetStateReader"/>), into the block's read cache, so the transactions
    /// that read them later find them there; otherwise does nothing and they are read one by one
    /// as before. Bottom buffer only. Changes no answer: the cache holds the stored state's
    /// answers, which do not change while the block is applied.
    /// </summary>
    public void Prefetch(List<StateKey> keys)
    {
        if (storedReads is null)
        {
            throw new InvalidOperationException("only the bottom write buffer reads the stored state");
        }

        if (baseState is not IMultiGetStateReader multiGet || keys.Count == 0)
        {
            return;
        }

        var values = new byte[]?[keys.Count];
        multiGet.TryGetMany(CollectionsMarshal.AsSpan(keys), values);
        for (var i = 0; i < keys.Count; i++)
        {
            storedReads.TryAdd(keys[i], values[i]);
        }
    }

    /// <summary>
    /// <see cref="TryGetStored"/> without filling the read cache: safe from several threads at once
    /// while nothing writes to this buffer (the stored state allows concurrent reads).
    /// </summary>
    public bool PeekStored(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        if (storedReads is null)
        {
            return parent!.PeekStored(key, out value);
        }

        if (storedReads.TryGetValue(key, out value))
        {
            return value is not null;
        }

        return baseState!.TryGet(key, out value);
    }

    public bool Contains(StateKey key) => TryGet(key, out _);

    public T? Get<T>(StateKey key, MessageParser<T> parser)
        where T : class, IMessage<T>
        => TryGet(key, out var bytes) ? parser.ParseFrom(new ReadOnlySpan<byte>(bytes)) : null;

    /// <summary>
    /// Like <see cref="Get{T}"/>, but the parsed record is shared across the block's transactions
    /// while its bytes are unchanged (every put stores a new array, so identity of the bytes is
    /// identity of the value). Callers must not mutate the result: use <see cref="Get{T}"/> to
    /// change a record.
    /// </summary>
    public T? GetShared<T>(StateKey key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        if (!TryGet(key, out var bytes))
        {
            return null;
        }

        var cache = Bottom().sharedRecords!;
        if (cache.TryGetValue(key, out var shared) && ReferenceEquals(shared.Bytes, bytes) && shared.Record is T record)
        {
            return record;
        }

        var parsed = parser.ParseFrom(new ReadOnlySpan<byte>(bytes));
        cache[key] = new SharedRecord(bytes, parsed);
        return parsed;
    }

    public void Put(StateKey key, byte[] value) => Write(key, value);

    /// <summary>Stores the record's serialized bytes (written straight into an array of its size: no stream object).</summary>
    public void Put(StateKey key, IMessage record)
    {
        var bytes = new byte[record.CalculateSize()];
        record.WriteTo(bytes.AsSpan());
        Write(key, bytes);
    }

    public void PutMarker(StateKey key) => Write(key, []);

    public void Delete(StateKey key) => Write(key, null);

    private void Write(StateKey key, byte[]? value)
    {
        if (largeSpare is not null && pending.Count >= ReusedCapacityMax)
        {
            TakeLargeSpare();
        }

        pending[key] = value;
    }

    /// <summary>A transaction outgrew a small table: its writes move into the kept large one (at most <see cref="ReusedCapacityMax"/> of them, once per large transaction).</summary>
    private void TakeLargeSpare()
    {
        var large = largeSpare!;
        largeSpare = null;
        foreach (var (key, value) in pending)
        {
            large[key] = value;
        }

        pending = large;
    }

    /// <summary>Above this capacity an emptied layer gets a fresh table: clearing costs its capacity, not its count.</summary>
    public const int ReusedCapacityMax = 1_024;

    /// <summary>Drops this layer's writes (a transaction that was rejected); the layer can be reused.</summary>
    public void Discard()
    {
        if (parent is null)
        {
            throw new InvalidOperationException("the bottom write buffer is never discarded");
        }

        Empty();
    }

    /// <summary>Moves this layer's writes into the parent layer (a transaction that succeeded); the layer can be reused.</summary>
    public void CommitToParent()
    {
        if (parent is null)
        {
            throw new InvalidOperationException("the bottom write buffer has no parent to commit to");
        }

        if (pending.Count > parent.pending.Count)
        {
            // A large transaction (a batch) into a small block: move the parent's few writes under
            // ours (ours are newer and win) and hand over the dictionary instead of copying it.
            foreach (var (key, value) in parent.pending)
            {
                pending.TryAdd(key, value);
            }

            (parent.pending, pending) = (pending, parent.pending);
            Empty();
            return;
        }

        foreach (var (key, value) in pending)
        {
            parent.pending[key] = value;
        }

        Empty();
    }

    private void Empty()
    {
        var capacity = pending.EnsureCapacity(0);
        if (capacity > ReusedCapacityMax)
        {
            // Not cleared for the next small transaction (that would cost its capacity each time), but
            // kept, cleared once, for the next large one (a batch: tens of thousands of writes, whose
            // table grown afresh would be large-object-heap garbage every block).
            if (largeSpare is null && capacity <= RetainedBlockCapacityMax)
            {
                pending.Clear();
                largeSpare = pending;
            }

            pending = [];
            return;
        }

        pending.Clear();
    }

    /// <summary>
    /// This layer's writes in no particular order, for order-independent consumers only (the
    /// state accumulator's sum is commutative); anything persisted or compared uses <see cref="ToSortedWrites"/>.
    /// </summary>
    public IEnumerable<KeyValuePair<StateKey, byte[]?>> UnorderedWrites() => pending;

    /// <summary>Below this many writes <see cref="ToSortedWrites"/> sorts on the calling thread.</summary>
    public const int ParallelSortWritesMin = 65_536;

    /// <summary>
    /// This layer's writes in ascending key order (the order they are persisted and hashed in).
    /// Large sets are split by their first two key bytes and the parts sorted concurrently; keys
    /// are distinct, so the order is the same whatever the split.
    /// </summary>
    public List<StateWrite> ToSortedWrites(int parallelismMax = 1)
    {
        if (parallelismMax <= 1 || pending.Count < ParallelSortWritesMin)
        {
            // Sorted in the list's own array: no second copy of the block's writes.
            var sorted = new List<StateWrite>(pending.Count);
            CollectionsMarshal.SetCount(sorted, pending.Count);
            var span = CollectionsMarshal.AsSpan(sorted);
            var filled = 0;
            foreach (var (key, value) in pending)
            {
                span[filled++] = new StateWrite(key, value);
            }

            StateWriteSort.Sort(span);
            return sorted;
        }

        var writes = new StateWrite[pending.Count];
        var i = 0;
        foreach (var (key, value) in pending)
        {
            writes[i++] = new StateWrite(key, value);
        }

        var starts = new int[(1 << 16) + 1];
        foreach (var write in writes)
        {
            starts[Prefix16(write.Key) + 1]++;
        }

        for (var p = 1; p < starts.Length; p++)
        {
            starts[p] += starts[p - 1];
        }

        var partitioned = new StateWrite[writes.Length];
        var next = (int[])starts.Clone();
        foreach (var write in writes)
        {
            partitioned[next[Prefix16(write.Key)]++] = write;
        }

        var ranges = new List<(int Start, int Length)>();
        for (var p = 0; p < starts.Length - 1; p++)
        {
            if (starts[p + 1] - starts[p] > 1)
            {
                ranges.Add((starts[p], starts[p + 1] - starts[p]));
            }
        }

        Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = parallelismMax }, range =>
            Array.Sort(partitioned, range.Start, range.Length, StateWriteKeyOrder.Instance));
        return [.. partitioned];
    }

    // A key of one byte sorts before every longer key with that first byte, and lands in the same part.
    private static int Prefix16(StateKey key) => key.Length > 1 ? (key.Span[0] << 8) | key.Span[1] : key.Span[0] << 8;

    private WriteBuffer Bottom()
    {
        var buffer = this;
        while (buffer.parent is not null)
        {
            buffer = buffer.parent;
        }

        return buffer;
    }

    private readonly record struct SharedRecord(byte[] Bytes, IMessage Record);

    private sealed class StateWriteKeyOrder : IComparer<StateWrite>
    {
        public static readonly StateWriteKeyOrder Instance = new();

        public int Compare(StateWrite x, StateWrite y) => x.Key.Span.SequenceCompareTo(y.Key.Span);
    }
}
