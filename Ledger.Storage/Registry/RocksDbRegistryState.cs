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
/// Similar-work queries are answered from a <see cref="PerceptualHashMemoryIndex"/> built from the
/// column family on the first query and then fed each staged block's new entries once that block
/// is written (its applied height is visible), so a query never sees an unwritten block.
/// </para>
/// </summary>
public sealed class RocksDbRegistryState : IRegistryState, IMultiGetStateReader, ISimilarityIndexedState
{
    private readonly LedgerDatabase database;
    private readonly Lock similarityLock = new();
    private PerceptualHashMemoryIndex? similarity;
    private StagedImages? staged;
    private bool dedupeNextPublish;

    public RocksDbRegistryState(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
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
    public PerceptualHashMemoryIndex SimilarityIndex(PerceptualHashIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        lock (similarityLock)
        {
            if (similarity is null || similarity.Layout.SubstringCount != layout.SubstringCount)
            {
                // A block staged before this scan may land while it runs: its entries are then
                // published once more, and the first publication skips what the scan already saw.
                similarity = PerceptualHashMemoryIndex.Build(this, layout);
                dedupeNextPublish = staged is not null;
            }

            PublishStagedIfWritten();
            return similarity;
        }
    }

    /// <summary>Drops the in-memory similarity index (the host replaced the column family's contents, e.g. from a snapshot).</summary>
    public void InvalidateSimilarityIndex()
    {
        lock (similarityLock)
        {
            similarity = null;
            staged = null;
        }
    }

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

        StageSimilarity(writes);
    }

    public void Apply(IReadOnlyList<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        Stage(batch, writes);
        database.Write(batch, sync: true);
        lock (similarityLock)
        {
            PublishStagedIfWritten();
        }
    }

    private void StageSimilarity(IReadOnlyList<StateWrite> writes)
    {
        lock (similarityLock)
        {
            PublishStagedIfWritten();
            if (similarity is null)
            {
                staged = null;
                return;
            }

            var images = new List<(ulong Hash, byte[] WorkId)>();
            ulong? height = null;
            foreach (var write in writes)
            {
                var space = write.Key.Space;
                if (space == KeySpace.Meta && write.Value is { Length: sizeof(ulong) } encoded && write.Key == StateKeys.AppliedHeight())
                {
                    height = BinaryPrimitives.ReadUInt64BigEndian(encoded);
                }
                else if (space == KeySpace.PerceptualHashIndex)
                {
                    if (write.Value is null)
                    {
                        // The rules never delete index entries; if a future rule does, rebuild rather than guess.
                        similarity = null;
                        staged = null;
                        return;
                    }

                    if (PerceptualHashIndex.TryReadEntry(write.Key, out var hash, out var workId))
                    {
                        images.Add((hash, workId));
                    }
                }
            }

            // Batch items' images come from their item chunks, not from index entries.
            BatchItemImages.AddFromWrites(writes, images);
            if (images.Count > 0 && height is null)
            {
                // Not a block (no applied height): nothing tells when it is written, so rebuild on the next query.
                similarity = null;
                staged = null;
                return;
            }

            staged = images.Count > 0 ? new StagedImages(height!.Value, images) : null;
        }
    }

    private void PublishStagedIfWritten()
    {
        if (staged is null || similarity is null)
        {
            return;
        }

        if (!TryGet(StateKeys.AppliedHeight(), out var encoded) || BinaryPrimitives.ReadUInt64BigEndian(encoded) < staged.Height)
        {
            return;
        }

        similarity.AddRange(staged.Images, skipExisting: dedupeNextPublish);
        dedupeNextPublish = false;
        staged = null;
    }

    private sealed record StagedImages(ulong Height, List<(ulong Hash, byte[] WorkId)> Images);
}
