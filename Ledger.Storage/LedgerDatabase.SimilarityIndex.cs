using RocksDbSharp;

namespace Ledger.Storage;

/// <summary>
/// The derived <c>similarity_index</c> column family (<see cref="ColumnFamilyNames.SimilarityIndex"/>):
/// its options, and the un-logged writes of the background indexer (Registry/SimilarityIndexer).
/// </summary>
public sealed partial class LedgerDatabase
{
    private static readonly WriteOptions UnloggedWriteOptions = new WriteOptions().SetSync(false).DisableWal(1);

    private ColumnFamilyHandle? similarityIndex;

    /// <summary>The similarity tables (derived from the registry state; never in its root or a state snapshot).</summary>
    public ColumnFamilyHandle SimilarityIndex => similarityIndex ??= Rocks.GetColumnFamily(ColumnFamilyNames.SimilarityIndex);

    /// <summary>
    /// Writes the batch atomically without the WAL: it survives a crash only once its memtable is
    /// flushed. For derived data whose loss is detected and redone (the batch carries its own
    /// progress marker); every key of it must live in one column family, so one flush persists all
    /// of the batch or none of it.
    /// </summary>
    public void WriteWithoutWal(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _rocks.Write(batch, UnloggedWriteOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new Errors.StorageCorruptionException($"write to '{DataDirectory}' failed on corruption: {e.Message}", e);
        }
    }

    /// <summary>Flushes one column family's memtables and waits.</summary>
    public void Flush(ColumnFamilyHandle columnFamily)
    {
        ArgumentNullException.ThrowIfNull(columnFamily);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var flushOptions = new FlushOptions().SetWaitForFlush(true);
        Native.Instance.rocksdb_flush_cf(_rocks.Handle, flushOptions.Handle, columnFamily.Handle);
    }

    /// <summary>Compacts the whole column family and waits (measurements of bytes per item, tests).</summary>
    public void CompactFully(ColumnFamilyHandle columnFamily)
    {
        ArgumentNullException.ThrowIfNull(columnFamily);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Native.Instance.rocksdb_compact_range_cf(_rocks.Handle, columnFamily.Handle, (byte[]?)null, UIntPtr.Zero, (byte[]?)null, UIntPtr.Zero);
    }

    /// <summary>
    /// Options of the similarity tables. Only ever range-scanned (no bloom filter: ~1.25 bytes per key
    /// for nothing); keys are random hashes (no compression: it would not shrink them, and prefix
    /// delta encoding already shares each key's leading bytes with its neighbour); universal
    /// compaction, because every write batch spreads its keys over the whole key space, so leveled
    /// compaction would rewrite each key once per level, where universal merges sorted runs of
    /// similar size (write amplification ~log of the run count instead of ~10 per level).
    /// </summary>
    private static ColumnFamilyOptions SimilarityIndexFamilyOptions(LedgerDatabaseOptions options, Cache blockCache)
    {
        var table = new BlockBasedTableOptions()
            .SetBlockCache(blockCache)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFormatVersion(5);
        var familyOptions = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(options.WriteBufferBytes)
            .SetCompactionStyle(Compaction.Universal)
            .SetCompression(Compression.No);
        // The indexer writes each table's keys in ascending order; the first key byte is the table.
        InsertWithKeySpaceHints(familyOptions);
        return familyOptions;
    }
}
