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
    private readonly Dictionary<ulong, byte[]?> sources = [];

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
        if (!sources.TryGetValue(image.Source, out var txHash))
        {
            txHash = database.Get(database.SimilarityIndex, SimilarityIndexKeys.Source(image.Source));
            if (txHash is not null && txHash.Length != WorkIds.TxHashBytes)
            {
                throw new StorageCorruptionException($"similarity index source {image.Source} in '{database.DataDirectory}' holds {txHash.Length} bytes, not a transaction hash. {LedgerDatabase.CorruptDirectoryRecovery}");
            }

            sources[image.Source] = txHash;
        }

        return txHash is null ? null : WorkIds.Create(txHash, image.Item);
    }

    public void AddUnindexedMatches(ulong query, int maxDistance, List<SimilarWork> matches) => view.AddTailMatches(query, maxDistance, matches);

    public void Dispose() => iterator.Dispose();
}
