using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// Registry state in the <c>registry_state</c> column family. Keys are the registry's own bytewise
/// keys, so RocksDB's default comparator gives the same scan order as the in-memory state. Writes
/// are normally staged with <see cref="Stage"/> into the block's WriteBatch so state, block and
/// applied index commit together; <see cref="Apply"/> is the stand-alone form (genesis).
/// <para>
/// Similar-work queries read the multi-index hashing tables kept on disk beside the state, in the
/// derived <c>similarity_index</c> column family, once the host starts the index
/// (<see cref="StartSimilarityIndex"/>): <see cref="Stage"/> then adds one small pending record per
/// block to the block's batch, and a background <see cref="SimilarityIndexer"/> turns those into
/// table entries, so the apply path never writes the tables and memory does not grow with the
/// images. Without a started index a query builds the tables from the state for itself.
/// </para>
/// </summary>
public sealed class RocksDbRegistryState : IRegistryState, IMultiGetStateReader, ISimilarityIndexedState, IDisposable
{
    private readonly LedgerDatabase database;
    private SimilarityIndexer? similarity;

    public RocksDbRegistryState(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    /// <summary>
    /// Starts keeping the similarity tables for <paramref name="layout"/>: checks the stored index
    /// against the state (rebuilding it in the background when it is missing, of another layout or
    /// not the state's) and starts the indexer thread. Call once, before blocks are applied.
    /// </summary>
    public void StartSimilarityIndex(PerceptualHashIndexLayout layout) => StartSimilarityIndex(layout, new SimilarityIndexLimits());

    internal void StartSimilarityIndex(PerceptualHashIndexLayout layout, SimilarityIndexLimits limits)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (similarity is not null)
        {
            throw new InvalidOperationException("the similarity index is already started");
        }

        similarity = new SimilarityIndexer(database, this, layout, limits);
    }

    /// <summary>Where the similarity index stands (null when not started): for status, metrics and tests.</summary>
    public SimilarityIndexProgress? SimilarityProgress
    {
        get
        {
            if (similarity is null)
            {
                return null;
            }

            var view = similarity.View;
            return new SimilarityIndexProgress(view.Rebuilding, view.IndexedHeight, view.LoadedHeight, view.TailImages, view.RebuiltImages, view.Failure);
        }
    }

    /// <summary>Stops the indexer thread (promptly, also during a rebuild: it stops between batches). The database stays open.</summary>
    public void Dispose()
    {
        similarity?.Dispose();
        similarity = null;
    }

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        value = database.Get(database.RegistryState, key.Span);
        return value is not null;
    }

    public void TryGetMany(ReadOnlySpan<StateKey> keys, Span<byte[]?> values)
    {
        var keyBytes = new byte[keys.Length][];
        for (var i = 0; i < keys.Length; i++)
        {
            keyBytes[i] = keys[i].UnsafeBytes;
        }

        database.GetMany(database.RegistryState, keyBytes, values);
    }

    public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null)
    {
        if (startAfter is { } after && !after.StartsWith(prefix))
        {
            throw new ArgumentException("startAfter must lie inside the scanned prefix", nameof(startAfter));
        }

        return ScanIterator(prefix, startAfter);
    }

    /// <inheritdoc/>
    public IPerceptualHashTableReader? TryOpenSimilarityTables(PerceptualHashIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (similarity is not { } indexer)
        {
            return null;
        }

        if (layout.SubstringCount != indexer.Layout.SubstringCount)
        {
            throw new ArgumentException($"the similarity index is kept for {indexer.Layout.SubstringCount} substrings, the query asks for {layout.SubstringCount}", nameof(layout));
        }

        return indexer.OpenReader(SimilarityIndexer.AppliedHeight(this));
    }

    /// <summary>
    /// The host replaced the state's contents (a snapshot install, on the apply thread): the
    /// similarity index is dropped and rebuilt from the new state in the background. Returns at
    /// once (after at most one index write batch in flight); queries get UNAVAILABLE until the
    /// rebuild ends.
    /// </summary>
    public void InvalidateSimilarityIndex() => similarity?.Reset(SimilarityIndexer.AppliedHeight(this));

    private IEnumerable<StateEntry> ScanIterator(StateKey prefix, StateKey? startAfter)
    {
        using var iterator = database.NewIterator(database.RegistryState);
        foreach (var entry in StatePrefixScan.Entries(iterator, prefix, startAfter))
        {
            yield return entry;
        }
    }

    /// <summary>Adds <paramref name="writes"/> to <paramref name="batch"/>; they take effect when the batch is written.</summary>
    public void Stage(WriteBatch batch, IReadOnlyList<StateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                batch.Delete(write.Key.UnsafeBytes, database.RegistryState);
            }
            else
            {
                batch.Put(write.Key.UnsafeBytes, write.Value, database.RegistryState);
            }
        }

        StageSimilarity(batch, writes);
    }

    public void Apply(IReadOnlyList<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        Stage(batch, writes);
        database.Write(batch, sync: true);
        similarity?.Notify();
    }

    /// <summary>Tells the similarity indexer that a staged batch was written (it also polls).</summary>
    public void NotifyWritten() => similarity?.Notify();

    // The apply path's whole share of the index: one pending record per block, naming its images.
    private void StageSimilarity(WriteBatch batch, IReadOnlyList<StateWrite> writes)
    {
        if (similarity is null)
        {
            return;
        }

        ulong? height = null;
        List<(ulong Hash, byte[] WorkId)>? singles = null;
        List<byte[]>? batches = null;
        foreach (var write in writes)
        {
            var space = write.Key.Space;
            if (space == KeySpace.Meta && write.Value is { Length: sizeof(ulong) } encoded && write.Key == StateKeys.AppliedHeight())
            {
                height = BinaryPrimitives.ReadUInt64BigEndian(encoded);
            }
            else if (space == KeySpace.PerceptualHashIndex)
            {
                if (write.Value is null || !PerceptualHashIndex.TryReadEntry(write.Key, out var hash, out var workId))
                {
                    // The rules only ever add well-formed entries; the index has no way to follow anything else.
                    throw new InvalidOperationException($"a block {(write.Value is null ? "deletes" : "writes malformed")} perceptual-hash entry {Convert.ToHexString(write.Key.Span)}");
                }

                (singles ??= []).Add((hash, workId));
            }
            else if (space == KeySpace.BatchCommitment && write.Value is not null)
            {
                (batches ??= []).Add(write.Key.Span[1..].ToArray());
            }
        }

        if (height is not { } applied)
        {
            if (singles is not null || batches is not null)
            {
                throw new InvalidOperationException("writes that register images must carry the applied height (a block), so the similarity index can follow them");
            }

            return;
        }

        batch.Put(SimilarityIndexKeys.Pending(applied), SimilarityPendingRecord.Encode(singles ?? [], batches ?? []), database.SimilarityIndex);
    }
}

/// <summary>
/// Where a node's similarity index stands: <see cref="IndexedHeight"/> is on disk, the tail holds
/// <see cref="TailImages"/> images of the blocks after it through <see cref="LoadedHeight"/>;
/// while <see cref="Rebuilding"/>, IndexedHeight is the height of the state being indexed.
/// </summary>
public sealed record SimilarityIndexProgress(bool Rebuilding, ulong IndexedHeight, ulong LoadedHeight, long TailImages, long RebuiltImages, string? Failure);
