using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Numerics;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// Keeps the on-disk multi-index hashing tables (<see cref="SimilarityIndexKeys"/>) up with the
/// applied blocks, off the apply path. The apply path writes one pending record per block
/// (<see cref="SimilarityPendingRecord"/>) in the block's own batch; this indexer's thread
/// <list type="number">
/// <item>loads pending records in height order into an in-memory tail (at most
/// <see cref="SimilarityIndexLimits.TailImagesMax"/> images), deriving batch items' images from the
/// state;</item>
/// <item>writes the tail's oldest blocks (about <see cref="SimilarityIndexLimits.WriteImagesMax"/>
/// images) as one write batch: their m table entries per image, sorted, the deletion of their
/// pending records and the status "indexed through height H". The batch skips the WAL: it is
/// derived data, all in one column family, so a crash loses whole batches, the status with them,
/// and the pending records it deleted come back; indexing resumes from the status.</item>
/// </list>
/// A query sees the tables plus the tail (<see cref="SimilarityIndexView"/>), so it answers for
/// every applied block as long as the tail holds them; past that bound, or during a rebuild, it
/// gets <see cref="SimilarityIndexUnavailableException"/> naming the progress.
/// <para>
/// Rebuild: a directory without the index (or with another layout), a state replaced by a snapshot
/// install (<see cref="Reset"/>), or a gap in the pending heights (a state replaced underneath, e.g.
/// an install a crash interrupted) starts a rebuild from the state at the applied height, on this
/// thread, in batches that record a cursor, so a stop is prompt and a restart resumes. Blocks
/// applied meanwhile keep their pending records and are indexed after it.
/// </para>
/// Locks: <c>writeLock</c> orders every write to the column family (the indexer's batches, a reset);
/// <c>loadLock</c> guards loading into the tail (this thread or a query catching up); the view is
/// replaced under <c>viewLock</c> and read without locking.
/// </summary>
internal sealed class SimilarityIndexer : IDisposable
{
    private static readonly byte[] EmptyValue = [];

    private readonly LedgerDatabase database;
    private readonly IRegistryStateReader state;
    private readonly PerceptualHashIndexLayout layout;
    private readonly SimilarityIndexLimits limits;
    private readonly Lock writeLock = new();
    private readonly Lock loadLock = new();
    private readonly Lock viewLock = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim wake = new(0, int.MaxValue);
    private readonly Thread thread;
    private volatile SimilarityIndexView view;
    private int generation;
    private long nextSource;
    private RebuildRun? rebuild;

    public SimilarityIndexer(LedgerDatabase database, IRegistryStateReader state, PerceptualHashIndexLayout layout, SimilarityIndexLimits limits)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        this.database = database;
        this.state = state;
        this.layout = layout;
        this.limits = limits;
        view = Open();
        thread = new Thread(Run) { IsBackground = true, Name = "similarity-indexer" };
        thread.Start();
    }

    public PerceptualHashIndexLayout Layout => layout;

    public SimilarityIndexView View => view;

    /// <summary>Wakes the indexer (a block was written); it also polls every <see cref="SimilarityIndexLimits.PollMilliseconds"/>.</summary>
    public void Notify() => wake.Release();

    /// <summary>
    /// The state was replaced (a snapshot install, on the apply thread): drops every table entry,
    /// pending record and tail image, and starts a rebuild from the state at <paramref name="appliedHeight"/>.
    /// Waits at most for one write batch of the indexer in flight; never for the rebuild.
    /// </summary>
    public void Reset(ulong appliedHeight)
    {
        lock (writeLock)
        {
            lock (loadLock)
            {
                ResetLocked(appliedHeight);
            }
        }

        Notify();
    }

    /// <summary>A reader for one query, or the reason there is none (<see cref="SimilarityIndexUnavailableException"/>).</summary>
    public SimilarityTablesReader OpenReader(ulong appliedHeight)
    {
        var current = view;
        if (current.LoadedHeight < appliedHeight && !current.Rebuilding && current.Failure is null)
        {
            // Blocks applied since the tail was last loaded: load them now, so a query sees every applied block.
            CatchUp();
            current = view;
        }

        if (current.Failure is { } failure)
        {
            throw new SimilarityIndexUnavailableException($"similarity index stopped at height {current.IndexedHeight} of {appliedHeight}: {failure}");
        }

        if (current.Rebuilding)
        {
            throw new SimilarityIndexUnavailableException($"similarity index at height {current.IndexedHeight} of {appliedHeight}: rebuilding from the state, {current.RebuiltImages} images indexed so far");
        }

        if (current.LoadedHeight < appliedHeight)
        {
            throw new SimilarityIndexUnavailableException($"similarity index at height {current.LoadedHeight} of {appliedHeight}: {current.TailImages} images wait to be indexed (at most {limits.TailImagesMax} are searched unindexed)");
        }

        return new SimilarityTablesReader(database, current);
    }

    public void Dispose()
    {
        stopping.Cancel();
        wake.Release();
        thread.Join();
        lock (writeLock)
        {
            rebuild?.Dispose();
            rebuild = null;
        }

        stopping.Dispose();
        wake.Dispose();
    }

    private SimilarityIndexView Open()
    {
        var applied = AppliedHeight(state);
        var status = SimilarityIndexStatus.TryDecode(database.Get(database.SimilarityIndex, SimilarityIndexKeys.Status));
        nextSource = checked((long)NextOrdinal());
        if (status is null || status.SubstringCount != layout.SubstringCount || status.Height > applied)
        {
            // Absent (a directory from before the index), another layout, or ahead of the state (a state put back): rebuild.
            ResetLocked(applied);
            return view;
        }

        return status.Rebuilding ? SimilarityIndexView.RebuildingFrom(status.Height) : SimilarityIndexView.Following(status.Height);
    }

    private void ResetLocked(ulong appliedHeight)
    {
        generation++;
        rebuild?.Dispose();
        rebuild = null;
        using var batch = new WriteBatch();
        batch.DeleteRange([0x00], 1, SimilarityIndexKeys.ClearEnd.ToArray(), 1, database.SimilarityIndex);
        batch.Put(SimilarityIndexKeys.Status, new SimilarityIndexStatus(layout.SubstringCount, Rebuilding: true, appliedHeight, []).Encode(), database.SimilarityIndex);
        // Logged and synced: the reset must outlive a crash that keeps the replaced state.
        database.Write(batch, sync: true);
        nextSource = 1;
        Publish(_ => SimilarityIndexView.RebuildingFrom(appliedHeight));
    }

    private void Run()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = Step(token);
            }
            catch (Exception e) when (e is StorageException or RocksDbException or RegistryInvariantException or InvalidOperationException)
            {
                // The node keeps applying; queries say why the index stopped. A restart retries (and a gap or bad status rebuilds).
                Publish(v => v with { Failure = e.Message });
                return;
            }
            catch (ObjectDisposedException) when (token.IsCancellationRequested)
            {
                return;
            }

            if (!worked)
            {
                try
                {
                    wake.Wait(limits.PollMilliseconds, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // One unit of work; false when there was none.
    private bool Step(CancellationToken token)
    {
        if (view.Rebuilding)
        {
            lock (writeLock)
            {
                return view.Rebuilding && RebuildStep(token);
            }
        }

        var loaded = CatchUp();
        var current = view;
        if (limits.WritesHeld?.Invoke() != true && (current.TailImages >= limits.WriteImagesMax || (!loaded && !current.Tail.IsEmpty)))
        {
            lock (writeLock)
            {
                WriteTail();
            }

            return true;
        }

        return loaded;
    }

    /// <summary>
    /// Loads pending records after the tail's last height into the tail, up to its bound; true when
    /// it loaded any. A height without its record (a state replaced underneath: an install a crash
    /// cut short, a restored copy) starts a rebuild.
    /// </summary>
    private bool CatchUp()
    {
        bool gap;
        lock (loadLock)
        {
            var loaded = TryLoad(out gap);
            if (!gap)
            {
                return loaded;
            }
        }

        Reset(AppliedHeight(state));
        return true;
    }

    private bool TryLoad(out bool gap)
    {
        gap = false;
        var current = view;
        if (current.Rebuilding || current.Failure is not null)
        {
            return false;
        }

        // Read first: every block up to it has its pending record written, so the scan below must reach it.
        var applied = AppliedHeight(state);
        var loadedGeneration = generation;
        var segments = new List<SimilarityTailSegment>();
        var images = current.TailImages;
        var height = current.LoadedHeight;
        var full = false;
        using (var iterator = database.NewIterator(database.SimilarityIndex))
        {
            for (iterator.Seek(SimilarityIndexKeys.Pending(height + 1)); iterator.Valid(); iterator.Next())
            {
                var key = iterator.Key();
                if (key[0] != SimilarityIndexKeys.PendingPrefix)
                {
                    break;
                }

                if (!SimilarityIndexKeys.TryReadPending(key, out var pendingHeight))
                {
                    throw new StorageCorruptionException($"malformed similarity index pending key {Convert.ToHexString(key)} in '{database.DataDirectory}'. {LedgerDatabase.CorruptDirectoryRecovery}");
                }

                if (pendingHeight != height + 1)
                {
                    gap = true;
                    return false;
                }

                var segment = Load(pendingHeight, iterator.Value());
                if (images > 0 && images + segment.Images > limits.TailImagesMax)
                {
                    full = true;
                    break;
                }

                segments.Add(segment);
                images += segment.Images;
                height = pendingHeight;
            }

            database.ThrowIfIteratorFailed(iterator);
        }

        if (!full && height < applied)
        {
            gap = true;
            return false;
        }

        if (segments.Count == 0)
        {
            return false;
        }

        var added = images - current.TailImages;
        Publish(v =>
        {
            if (generation != loadedGeneration)
            {
                return v;
            }

            var tail = v.Tail;
            foreach (var segment in segments)
            {
                tail = tail.Enqueue(segment);
            }

            return v with { Tail = tail, TailImages = v.TailImages + added, LoadedHeight = height };
        });
        return true;
    }

    private SimilarityTailSegment Load(ulong height, byte[] record)
    {
        var (singles, batches) = SimilarityPendingRecord.Decode(record, height, database.DataDirectory);
        var groups = new List<SimilarityTailGroup>(singles.Count + batches.Count);
        var images = 0;
        foreach (var (hash, workId) in singles)
        {
            groups.Add(new SimilarityTailGroup(WorkIds.TxHashOf(workId).ToArray(), [WorkIds.ItemIndexOf(workId)], [hash]));
            images++;
        }

        var items = new List<uint>();
        var hashes = new List<ulong>();
        foreach (var txHash in batches)
        {
            items.Clear();
            hashes.Clear();
            if (!BatchItemImages.TryAddBatch(state, txHash, items, hashes))
            {
                throw new StorageCorruptionException($"similarity index pending record of height {height} in '{database.DataDirectory}' names batch {Convert.ToHexString(txHash)}, which the state does not hold. {LedgerDatabase.CorruptDirectoryRecovery}");
            }

            if (items.Count > 0)
            {
                groups.Add(new SimilarityTailGroup(txHash, [.. items], [.. hashes]));
                images += items.Count;
            }
        }

        return new SimilarityTailSegment(height, [.. groups], images);
    }

    // Writes the tail's oldest segments (whole blocks, about WriteImagesMax images) to the tables.
    private void WriteTail()
    {
        var current = view;
        var taken = new List<SimilarityTailSegment>();
        long images = 0;
        foreach (var segment in current.Tail)
        {
            if (taken.Count > 0 && images + segment.Images > limits.WriteImagesMax)
            {
                break;
            }

            taken.Add(segment);
            images += segment.Images;
        }

        if (taken.Count == 0)
        {
            return;
        }

        var writtenGeneration = generation;
        var first = taken[0].Height;
        var last = taken[^1].Height;
        using var batch = new WriteBatch();
        PutEntries(batch, taken.SelectMany(s => s.Groups));
        batch.DeleteRange(SimilarityIndexKeys.Pending(first), SimilarityIndexKeys.PendingKeyBytes, SimilarityIndexKeys.Pending(last + 1), SimilarityIndexKeys.PendingKeyBytes, database.SimilarityIndex);
        batch.Put(SimilarityIndexKeys.Status, new SimilarityIndexStatus(layout.SubstringCount, Rebuilding: false, last, []).Encode(), database.SimilarityIndex);
        database.WriteWithoutWal(batch);
        Publish(v =>
        {
            if (generation != writtenGeneration)
            {
                return v;
            }

            var tail = v.Tail;
            for (var i = 0; i < taken.Count; i++)
            {
                tail = tail.Dequeue();
            }

            return v with { Tail = tail, TailImages = v.TailImages - images, IndexedHeight = last };
        });
    }

    // One rebuild batch from the state snapshot; the last one switches the index to following.
    private bool RebuildStep(CancellationToken token)
    {
        var baseHeight = view.IndexedHeight;
        rebuild ??= RebuildRun.Start(database, baseHeight, SimilarityIndexStatus.TryDecode(database.Get(database.SimilarityIndex, SimilarityIndexKeys.Status))?.Cursor ?? [], state);
        var groups = new List<SimilarityTailGroup>();
        var images = 0;
        var visited = 0;
        StateKey? cursor = null;
        var done = true;
        while (rebuild.Images.MoveNext())
        {
            var (key, group) = rebuild.Images.Current;
            if (group is not null)
            {
                groups.Add(group);
                images += group.Items.Length;
            }

            cursor = key;
            // Entries without images (skipped, or items without a hash) count too, so a batch is bounded in time.
            if (Math.Max(images, ++visited) >= limits.RebuildImagesPerBatch || token.IsCancellationRequested)
            {
                done = false;
                break;
            }
        }

        using var batch = new WriteBatch();
        PutEntries(batch, groups);
        var status = done
            ? new SimilarityIndexStatus(layout.SubstringCount, Rebuilding: false, baseHeight, [])
            : new SimilarityIndexStatus(layout.SubstringCount, Rebuilding: true, baseHeight, cursor?.UnsafeBytes ?? []);
        batch.Put(SimilarityIndexKeys.Status, status.Encode(), database.SimilarityIndex);
        database.WriteWithoutWal(batch);
        if (done)
        {
            rebuild.Dispose();
            rebuild = null;
            Publish(v => SimilarityIndexView.Following(baseHeight) with { RebuiltImages = v.RebuiltImages + images });
        }
        else
        {
            Publish(v => v with { RebuiltImages = v.RebuiltImages + images });
            limits.AfterRebuildBatch?.Invoke(token);
        }

        return true;
    }

    // m entries per image (each table's keys sorted before they go into the batch, so the memtable's
    // insert hint climbs from the previous key), one source record per group.
    private void PutEntries(WriteBatch batch, IEnumerable<SimilarityTailGroup> groups)
    {
        var count = 0;
        var hashes = new List<ulong>();
        var ordinals = new List<ulong>();
        foreach (var group in groups)
        {
            // The group's ordinals: first + item index, for item indexes up to its highest one.
            var first = (ulong)nextSource;
            var span = group.Items.Max() + 1UL;
            if (first + span - 1 > SimilarityIndexKeys.SourceMax)
            {
                throw new InvalidOperationException($"similarity index image ordinals exhausted ({SimilarityIndexKeys.SourceMax})");
            }

            nextSource = checked((long)(first + span));
            batch.Put(SimilarityIndexKeys.Source(first), SimilarityIndexKeys.SourceValue(group.TxHash, (uint)span), database.SimilarityIndex);
            for (var i = 0; i < group.Items.Length; i++)
            {
                hashes.Add(group.Hashes[i]);
                ordinals.Add(first + group.Items[i]);
                count++;
            }
        }

        var rotated = new ulong[count];
        var order = new int[count];
        var key = new byte[SimilarityIndexKeys.EntryKeyBytes];
        for (var j = 0; j < layout.SubstringCount; j++)
        {
            var offset = layout.OffsetBits(j);
            for (var i = 0; i < count; i++)
            {
                rotated[i] = BitOperations.RotateLeft(hashes[i], offset);
                order[i] = i;
            }

            // Equal hashes keep no particular order among themselves: RocksDB orders their keys by reference.
            Array.Sort(rotated, order);
            for (var i = 0; i < count; i++)
            {
                SimilarityIndexKeys.WriteEntry(key, j, rotated[i], ordinals[order[i]]);
                batch.Put(key, (ulong)key.Length, EmptyValue, 0, database.SimilarityIndex);
            }
        }
    }

    private void Publish(Func<SimilarityIndexView, SimilarityIndexView> change)
    {
        lock (viewLock)
        {
            view = change(view);
        }
    }

    // The first ordinal no source record covers: past the last record's span (1 in an empty index).
    private ulong NextOrdinal()
    {
        using var iterator = database.NewIterator(database.SimilarityIndex);
        iterator.SeekForPrev([SimilarityIndexKeys.SourcePrefix, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        if (!iterator.Valid())
        {
            database.ThrowIfIteratorFailed(iterator);
            return 1;
        }

        var key = iterator.Key();
        if (key[0] != SimilarityIndexKeys.SourcePrefix)
        {
            return 1;
        }

        var value = iterator.Value();
        if (key.Length != SimilarityIndexKeys.SourceKeyBytes || value.Length != SimilarityIndexKeys.SourceValueBytes)
        {
            throw new StorageCorruptionException($"similarity index source record {Convert.ToHexString(key)} in '{database.DataDirectory}' is malformed ({key.Length}-byte key, {value.Length}-byte value). {LedgerDatabase.CorruptDirectoryRecovery}");
        }

        return SimilarityIndexKeys.ReadSource(key.AsSpan(1)) + BinaryPrimitives.ReadUInt32BigEndian(value.AsSpan(WorkIds.TxHashBytes));
    }

    internal static ulong AppliedHeight(IRegistryStateReader reader) =>
        reader.TryGet(StateKeys.AppliedHeight(), out var encoded) && encoded.Length == sizeof(ulong) ? BinaryPrimitives.ReadUInt64BigEndian(encoded) : 0;

    /// <summary>
    /// One pass of a rebuild over a state snapshot taken when it starts (or resumes) at height S:
    /// the images at state keys after the cursor, singles first, then batch items, leaving out
    /// the transactions of the blocks after the rebuild's base up to S (their pending records
    /// index them once the rebuild ends).
    /// </summary>
    private sealed class RebuildRun : IDisposable
    {
        private readonly SnapshotStateReader snapshot;

        private RebuildRun(SnapshotStateReader snapshot, IEnumerable<(StateKey, SimilarityTailGroup?)> images)
        {
            this.snapshot = snapshot;
            Images = images.GetEnumerator();
        }

        /// <summary>(state key reached, its images or null), one enumerator kept across batches.</summary>
        public IEnumerator<(StateKey Key, SimilarityTailGroup? Group)> Images { get; }

        public static RebuildRun Start(LedgerDatabase database, ulong baseHeight, byte[] cursor, IRegistryStateReader live)
        {
            var snapshot = new SnapshotStateReader(database);
            var skip = PendingTransactions(database, baseHeight, AppliedHeight(snapshot));
            return new RebuildRun(snapshot, Scan(snapshot, cursor.Length == 0 ? null : new StateKey(cursor), skip, database.DataDirectory));
        }

        public void Dispose()
        {
            Images.Dispose();
            snapshot.Dispose();
        }

        private static HashSet<StateKey> PendingTransactions(LedgerDatabase database, ulong baseHeight, ulong snapshotHeight)
        {
            var skip = new HashSet<StateKey>();
            using var iterator = database.NewIterator(database.SimilarityIndex);
            for (iterator.Seek(SimilarityIndexKeys.Pending(baseHeight + 1)); iterator.Valid(); iterator.Next())
            {
                if (!SimilarityIndexKeys.TryReadPending(iterator.Key(), out var height) || height > snapshotHeight)
                {
                    break;
                }

                var (singles, batches) = SimilarityPendingRecord.Decode(iterator.Value(), height, database.DataDirectory);
                foreach (var (_, workId) in singles)
                {
                    skip.Add(new StateKey(WorkIds.TxHashOf(workId).ToArray()));
                }

                foreach (var txHash in batches)
                {
                    skip.Add(new StateKey(txHash));
                }
            }

            database.ThrowIfIteratorFailed(iterator);
            return skip;
        }

        private static IEnumerable<(StateKey, SimilarityTailGroup?)> Scan(IRegistryStateReader snapshot, StateKey? cursor, HashSet<StateKey> skip, string dataDirectory)
        {
            if (cursor is null || cursor.Value.Space == KeySpace.PerceptualHashIndex)
            {
                foreach (var entry in snapshot.Scan(PerceptualHashIndex.EntriesPrefix, cursor))
                {
                    if (!PerceptualHashIndex.TryReadEntry(entry.Key, out var hash, out var workId))
                    {
                        throw new StorageCorruptionException($"malformed perceptual-hash state key {Convert.ToHexString(entry.Key.Span)} in '{dataDirectory}'. {LedgerDatabase.CorruptDirectoryRecovery}");
                    }

                    var txHash = WorkIds.TxHashOf(workId).ToArray();
                    yield return (entry.Key, skip.Contains(new StateKey(txHash)) ? null : new SimilarityTailGroup(txHash, [WorkIds.ItemIndexOf(workId)], [hash]));
                }

                cursor = null;
            }

            foreach (var (chunkKey, hashes, workIds) in BatchItemImages.Chunks(snapshot, cursor))
            {
                if (hashes.Count == 0 || skip.Contains(new StateKey(WorkIds.TxHashOf(workIds[0]).ToArray())))
                {
                    yield return (chunkKey, null);
                    continue;
                }

                var items = new uint[workIds.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = WorkIds.ItemIndexOf(workIds[i]);
                }

                yield return (chunkKey, new SimilarityTailGroup(WorkIds.TxHashOf(workIds[0]).ToArray(), items, [.. hashes]));
            }
        }
    }
}

/// <summary>Bounds of the similarity indexer, checked against each other once (<see cref="Validate"/>).</summary>
internal sealed record SimilarityIndexLimits
{
    /// <summary>Images one index write batch holds at most (whole blocks; a single block larger than this is written alone).</summary>
    public int WriteImagesMax { get; init; } = 65_536;

    /// <summary>
    /// Applied images not yet in the tables that queries still answer for, by a brute-force scan
    /// (~16 MB and ~1 ms per query at the bound). Past it, queries get UNAVAILABLE until the indexer catches up.
    /// </summary>
    public int TailImagesMax { get; init; } = 1_048_576;

    /// <summary>Images one rebuild batch indexes (each batch also records the scan's cursor, and a stop is seen between batches).</summary>
    public int RebuildImagesPerBatch { get; init; } = 65_536;

    /// <summary>How often the indexer looks for newly applied blocks when not woken.</summary>
    public int PollMilliseconds { get; init; } = 20;

    /// <summary>Test hook: while it returns true the indexer loads the tail but writes nothing to the tables.</summary>
    public Func<bool>? WritesHeld { get; init; }

    /// <summary>Test hook: runs on the indexer's thread after each intermediate rebuild batch is written, with the token a stop cancels.</summary>
    public Action<CancellationToken>? AfterRebuildBatch { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteImagesMax, 1, nameof(WriteImagesMax));
        ArgumentOutOfRangeException.ThrowIfLessThan(RebuildImagesPerBatch, 1, nameof(RebuildImagesPerBatch));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollMilliseconds, 1, nameof(PollMilliseconds));
        if (TailImagesMax < WriteImagesMax)
        {
            throw new ArgumentOutOfRangeException(nameof(TailImagesMax), TailImagesMax, $"the tail must hold at least one write batch ({nameof(WriteImagesMax)} = {WriteImagesMax})");
        }
    }
}
