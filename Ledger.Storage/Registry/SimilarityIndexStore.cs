using System.Buffers.Binary;
using System.Numerics;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// The multi-index hashing tables of the registry's images on disk, in the derived
/// <c>similarity_index</c> column family (<see cref="SimilarityIndexKeys"/>). Memory does not grow
/// with the images: the tables are RocksDB keys (its block cache and memtables are bounded by the
/// storage options), a query reads the buckets it probes through one iterator.
/// <para>
/// Writes: a block's images go into the block's own write batch (<see cref="Stage"/>), with the
/// status naming the block's height, so index and state are written (or lost) together. A directory
/// without a complete index for its state (older than the column family, or whose state was replaced
/// by a snapshot install) is indexed from the state's entries first (<see cref="Ensure"/>), in
/// batches that each record how far the scan got, so an interrupted backfill resumes.
/// </para>
/// One writer: <see cref="Ensure"/> and <see cref="Stage"/> run under one lock; readers never lock.
/// </summary>
internal sealed class SimilarityIndexStore
{
    /// <summary>Images one backfill write batch indexes (each batch also records the scan's cursor).</summary>
    public const int BackfillImagesPerBatch = 8_192;

    private static readonly byte[] EmptyValue = [];

    private readonly LedgerDatabase database;
    private readonly IRegistryStateReader state;
    private readonly PerceptualHashIndexLayout layout;
    private readonly Lock writerLock = new();
    private readonly int backfillImagesPerBatch;
    private readonly Action? afterBackfillBatch;
    private volatile bool ensured;
    private long nextSource = -1;

    /// <param name="afterBackfillBatch">Test hook: runs after each intermediate backfill batch is written (crash injection).</param>
    public SimilarityIndexStore(LedgerDatabase database, IRegistryStateReader state, PerceptualHashIndexLayout layout, int backfillImagesPerBatch = BackfillImagesPerBatch, Action? afterBackfillBatch = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(backfillImagesPerBatch, 1);
        this.database = database;
        this.state = state;
        this.layout = layout;
        this.backfillImagesPerBatch = backfillImagesPerBatch;
        this.afterBackfillBatch = afterBackfillBatch;
    }

    public PerceptualHashIndexLayout Layout => layout;

    /// <summary>Images written by the last backfill (for its progress and measurements).</summary>
    public long BackfilledImages { get; private set; }

    /// <summary>Makes the index complete for the stored state (backfilling it if needed); cheap once done.</summary>
    public void Ensure()
    {
        if (ensured)
        {
            return;
        }

        lock (writerLock)
        {
            EnsureLocked();
        }
    }

    /// <summary>Forgets that the index was checked: the next use compares it with the state again (the state was replaced).</summary>
    public void Invalidate()
    {
        lock (writerLock)
        {
            ensured = false;
        }
    }

    /// <summary>Adds the index entries of a block's <paramref name="writes"/> to the block's batch.</summary>
    public void Stage(WriteBatch batch, IReadOnlyList<StateWrite> writes)
    {
        lock (writerLock)
        {
            EnsureLocked();
            var images = new List<(ulong Hash, byte[] WorkId)>();
            ulong? height = null;
            foreach (var write in writes)
            {
                if (write.Key.Space == KeySpace.Meta && write.Value is { Length: sizeof(ulong) } encoded && write.Key == StateKeys.AppliedHeight())
                {
                    height = BinaryPrimitives.ReadUInt64BigEndian(encoded);
                }
                else if (write.Key.Space == KeySpace.PerceptualHashIndex)
                {
                    if (write.Value is null || !PerceptualHashIndex.TryReadEntry(write.Key, out var hash, out var workId))
                    {
                        // The rules only ever add well-formed entries; the index has no way to follow anything else.
                        throw new InvalidOperationException($"a block {(write.Value is null ? "deletes" : "writes malformed")} perceptual-hash entry {Convert.ToHexString(write.Key.Span)}");
                    }

                    images.Add((hash, workId));
                }
            }

            BatchItemImages.AddFromWrites(writes, images);
            PutImages(batch, images);
            if (height is { } applied)
            {
                batch.Put(SimilarityIndexKeys.Status, new SimilarityIndexStatus(layout.SubstringCount, Complete: true, applied, []).Encode(), database.SimilarityIndex);
            }
        }
    }

    /// <summary>A reader over the tables as they are now (one RocksDB iterator, so one consistent view).</summary>
    public IPerceptualHashTableReader OpenReader(PerceptualHashIndexLayout queryLayout)
    {
        if (queryLayout.SubstringCount != layout.SubstringCount)
        {
            throw new ArgumentException($"the similarity index is kept for {layout.SubstringCount} substrings, the query asks for {queryLayout.SubstringCount}", nameof(queryLayout));
        }

        Ensure();
        return new SimilarityTablesReader(database);
    }

    private void EnsureLocked()
    {
        if (ensured)
        {
            return;
        }

        var applied = state.TryGet(StateKeys.AppliedHeight(), out var encoded) && encoded.Length == sizeof(ulong) ? BinaryPrimitives.ReadUInt64BigEndian(encoded) : 0;
        var status = SimilarityIndexStatus.TryDecode(database.Get(database.SimilarityIndex, SimilarityIndexKeys.Status));
        if (status is null || status.SubstringCount != layout.SubstringCount || status.Height != applied)
        {
            // Absent (an older directory), another layout, or not the state's height (state replaced): index it anew.
            using var batch = new WriteBatch();
            var start = new byte[1];
            batch.DeleteRange(start, 1, SimilarityIndexKeys.ClearEnd.ToArray(), 1, database.SimilarityIndex);
            status = new SimilarityIndexStatus(layout.SubstringCount, Complete: false, applied, []);
            batch.Put(SimilarityIndexKeys.Status, status.Encode(), database.SimilarityIndex);
            database.Write(batch, sync: true);
        }

        nextSource = checked((long)LastSource() + 1);
        if (!status.Complete)
        {
            Backfill(status);
        }

        ensured = true;
    }

    // Singles' index entries (state keys 0x45…) first, then batch item chunks (0x48…): the cursor is the last state key done.
    private void Backfill(SimilarityIndexStatus status)
    {
        BackfilledImages = 0;
        StateKey? cursor = status.Cursor.Length == 0 ? null : new StateKey(status.Cursor);
        var pending = new List<(ulong Hash, byte[] WorkId)>();
        StateKey? last = null;
        if (cursor is null || cursor.Value.Space == KeySpace.PerceptualHashIndex)
        {
            foreach (var entry in state.Scan(PerceptualHashIndex.EntriesPrefix, cursor))
            {
                if (!PerceptualHashIndex.TryReadEntry(entry.Key, out var hash, out var workId))
                {
                    throw new StorageCorruptionException($"malformed perceptual-hash state key {Convert.ToHexString(entry.Key.Span)} in '{database.DataDirectory}'");
                }

                pending.Add((hash, workId));
                last = entry.Key;
                if (pending.Count >= backfillImagesPerBatch)
                {
                    WriteBackfill(status, pending, last.Value);
                }
            }

            cursor = null;
        }

        foreach (var (chunkKey, hashes, workIds) in BatchItemImages.Chunks(state, cursor))
        {
            for (var i = 0; i < hashes.Count; i++)
            {
                pending.Add((hashes[i], workIds[i]));
            }

            last = chunkKey;
            if (pending.Count >= backfillImagesPerBatch)
            {
                WriteBackfill(status, pending, last.Value);
            }
        }

        using var done = new WriteBatch();
        PutImages(done, pending);
        BackfilledImages += pending.Count;
        done.Put(SimilarityIndexKeys.Status, (status with { Complete = true, Cursor = [] }).Encode(), database.SimilarityIndex);
        database.Write(done, sync: true);
    }

    private void WriteBackfill(SimilarityIndexStatus status, List<(ulong Hash, byte[] WorkId)> images, StateKey cursor)
    {
        using var batch = new WriteBatch();
        PutImages(batch, images);
        batch.Put(SimilarityIndexKeys.Status, (status with { Cursor = cursor.UnsafeBytes }).Encode(), database.SimilarityIndex);
        database.Write(batch, sync: false);
        BackfilledImages += images.Count;
        images.Clear();
        afterBackfillBatch?.Invoke();
    }

    // One source per registering transaction among the images (a batch's items share it), then m entries per image.
    private void PutImages(WriteBatch batch, List<(ulong Hash, byte[] WorkId)> images)
    {
        var sources = new Dictionary<StateKey, ulong>();
        foreach (var (hash, workId) in images)
        {
            var txHash = new StateKey(WorkIds.TxHashOf(workId).ToArray());
            if (!sources.TryGetValue(txHash, out var source))
            {
                sources[txHash] = source = (ulong)nextSource++;
                batch.Put(SimilarityIndexKeys.Source(source), txHash.UnsafeBytes, database.SimilarityIndex);
            }

            var item = WorkIds.ItemIndexOf(workId);
            for (var j = 0; j < layout.SubstringCount; j++)
            {
                batch.Put(SimilarityIndexKeys.Entry(j, BitOperations.RotateLeft(hash, layout.OffsetBits(j)), source, item), EmptyValue, database.SimilarityIndex);
            }
        }
    }

    private ulong LastSource()
    {
        using var iterator = database.NewIterator(database.SimilarityIndex);
        iterator.SeekForPrev([SimilarityIndexKeys.SourcePrefix, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        if (!iterator.Valid())
        {
            database.ThrowIfIteratorFailed(iterator);
            return 0;
        }

        var key = iterator.Key();
        if (key[0] != SimilarityIndexKeys.SourcePrefix)
        {
            return 0;
        }

        if (key.Length != SimilarityIndexKeys.SourceKeyBytes)
        {
            throw new StorageCorruptionException($"similarity index source key {Convert.ToHexString(key)} in '{database.DataDirectory}' is {key.Length} bytes, expected {SimilarityIndexKeys.SourceKeyBytes}");
        }

        return SimilarityIndexKeys.ReadSource(key.AsSpan(1));
    }
}
