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
/// Similar-work queries read the multi-index hashing tables kept on disk beside the state
/// (<see cref="SimilarityIndexStore"/>): <see cref="Stage"/> puts each block's images into the same
/// batch, so a query never sees an unwritten block and memory does not grow with the images.
/// </para>
/// </summary>
public sealed class RocksDbRegistryState : IRegistryState, IMultiGetStateReader, ISimilarityIndexedState
{
    private readonly LedgerDatabase database;
    private readonly SimilarityIndexStore similarity;

    /// <param name="similarityLayout">The layout of the consortium's registry options (<c>RegistryOptions.Similarity</c>); null = the default.</param>
    public RocksDbRegistryState(LedgerDatabase database, PerceptualHashIndexLayout? similarityLayout = null)
        : this(database, similarityLayout, SimilarityIndexStore.BackfillImagesPerBatch, afterBackfillBatch: null)
    {
    }

    /// <param name="afterBackfillBatch">Test hook: runs after each intermediate backfill batch is written (crash injection).</param>
    internal RocksDbRegistryState(LedgerDatabase database, PerceptualHashIndexLayout? similarityLayout, int backfillImagesPerBatch, Action? afterBackfillBatch)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        similarity = new SimilarityIndexStore(database, this, similarityLayout ?? new PerceptualHashIndexLayout(Ledger.Registry.RegistryOptions.DefaultPerceptualHashSubstringCount), backfillImagesPerBatch, afterBackfillBatch);
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
    public IPerceptualHashTableReader OpenSimilarityTables(PerceptualHashIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return similarity.OpenReader(layout);
    }

    /// <summary>
    /// Makes the on-disk similarity index complete for the stored state: at once when it is (the
    /// normal start), else by indexing the state's images (a directory from before the index, or one
    /// whose state a snapshot replaced), resuming an interrupted pass. Also done on first use; a host
    /// calls it at start so no block or query waits for it. Returns the images it indexed.
    /// </summary>
    public long EnsureSimilarityIndex()
    {
        similarity.Ensure();
        return similarity.BackfilledImages;
    }

    /// <summary>The host replaced the state's contents (a snapshot install): the similarity index is checked against it, and rebuilt, on next use.</summary>
    public void InvalidateSimilarityIndex() => similarity.Invalidate();

    private IEnumerable<StateEntry> ScanIterator(StateKey prefix, StateKey? startAfter)
    {
        using var iterator = database.NewIterator(database.RegistryState);
        iterator.Seek((startAfter ?? prefix).UnsafeBytes);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (!key.AsSpan().StartsWith(prefix.Span))
            {
                yield break;
            }

            if (startAfter is { } skip && skip.Span.SequenceEqual(key))
            {
                iterator.Next();
                continue;
            }

            yield return new StateEntry(new StateKey(key), iterator.Value());
            iterator.Next();
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

        similarity.Stage(batch, writes);
    }

    public void Apply(IReadOnlyList<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        Stage(batch, writes);
        database.Write(batch, sync: true);
    }
}
