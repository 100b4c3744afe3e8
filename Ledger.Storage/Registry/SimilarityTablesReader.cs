using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Registry;

/// <summary>
/// One query's view of the on-disk similarity tables (<see cref="SimilarityIndexKeys"/>): one RocksDB
/// iterator (checksums verified) seeks each probed bucket. What it reads is checked: a key that is not
/// a well-formed entry of the table being read, or a source record that is not a transaction hash, is
/// storage corruption (<see cref="StorageCorruptionException"/>), never a crash or a made-up answer.
/// The images applied but not yet in the tables come from the index's published
/// <see cref="SimilarityIndexView"/> (read before the iterator is opened, so an image indexed in
/// between is seen twice, and reported once, rather than not at all).
/// </summary>
internal sealed class SimilarityTablesReader(LedgerDatabase database, SimilarityIndexView view) : IPerceptualHashTableReader
{
    private readonly Iterator iterator = database.NewIterator(database.SimilarityIndex);
    private readonly Iterator sourceIterator = database.NewIterator(database.SimilarityIndex);

    // Source records read by this query, by first ordinal (a batch's images share one).
    private readonly SortedList<ulong, (byte[] TxHash, uint Span)> sources = [];

    public IEnumerable<PerceptualHashTableEntry> Range(int table, ulong rotatedFrom, ulong rotatedTo)
    {
        iterator.Seek(SimilarityIndexKeys.EntrySeek(table, rotatedFrom));
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (key.Length > 0 && key[0] != table)
            {
                yield break;
            }

            if (!SimilarityIndexKeys.TryReadEntry(key, table, out var entry))
            {
                throw new StorageCorruptionException($"malformed similarity index key {Convert.ToHexString(key)} in table {table} of '{database.DataDirectory}': expected {SimilarityIndexKeys.EntryKeyBytes} bytes. {LedgerDatabase.CorruptDirectoryRecovery}");
            }

            if (entry.RotatedHash > rotatedTo)
            {
                yield break;
            }

            yield return entry;
            iterator.Next();
        }

        database.ThrowIfIteratorFailed(iterator);
    }

    public byte[]? WorkIdOf(ImageReference image)
    {
        var ordinal = image.Source;
        if (!TryCachedSource(ordinal, out var first, out var source))
        {
            sourceIterator.SeekForPrev(SimilarityIndexKeys.Source(ordinal));
            if (!sourceIterator.Valid())
            {
                database.ThrowIfIteratorFailed(sourceIterator);
                return null;
            }

            var key = sourceIterator.Key();
            if (key[0] != SimilarityIndexKeys.SourcePrefix)
            {
                return null;
            }

            var value = sourceIterator.Value();
            if (key.Length != SimilarityIndexKeys.SourceKeyBytes || value.Length != SimilarityIndexKeys.SourceValueBytes)
            {
                throw new StorageCorruptionException($"similarity index source record {Convert.ToHexString(key)} in '{database.DataDirectory}' is malformed ({key.Length}-byte key, {value.Length}-byte value; expected {SimilarityIndexKeys.SourceKeyBytes} and {SimilarityIndexKeys.SourceValueBytes}). {LedgerDatabase.CorruptDirectoryRecovery}");
            }

            first = SimilarityIndexKeys.ReadSource(key.AsSpan(1));
            source = (value[..WorkIds.TxHashBytes], System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(value.AsSpan(WorkIds.TxHashBytes)));
            sources[first] = source;
        }

        // An ordinal past its source's span names nothing (a dangling entry).
        return ordinal - first < source.Span ? WorkIds.Create(source.TxHash, (uint)(ordinal - first)) : null;
    }

    private bool TryCachedSource(ulong ordinal, out ulong first, out (byte[] TxHash, uint Span) source)
    {
        var keys = sources.Keys;
        int low = 0, high = keys.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (keys[middle] <= ordinal)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (found >= 0 && ordinal - keys[found] < sources.Values[found].Span)
        {
            first = keys[found];
            source = sources.Values[found];
            return true;
        }

        first = 0;
        source = default;
        return false;
    }

    public void AddUnindexedMatches(ulong query, int maxDistance, List<SimilarWork> matches) => view.AddTailMatches(query, maxDistance, matches);

    public void Dispose()
    {
        iterator.Dispose();
        sourceIterator.Dispose();
    }
}
