namespace Ledger.Storage.Statistics;

/// <summary>
/// One reading of a ledger database's RocksDB figures (<see cref="LedgerDatabase.ReadStatistics"/>):
/// what it holds on disk per column family, the memory it holds, and whether writes are being held
/// back. Each figure is RocksDB's own property at the moment of reading; they are not one atomic view.
/// </summary>
public sealed record StorageStatistics
{
    /// <summary>One entry per column family, in <see cref="ColumnFamilyNames.All"/> order, then the derived <see cref="ColumnFamilyNames.SimilarityIndex"/> when the database has it open (read-write opens).</summary>
    public required IReadOnlyList<ColumnFamilyStatistics> ColumnFamilies { get; init; }

    /// <summary>Bytes of the live write-ahead log files (the <c>*.log</c> files in the database directory).</summary>
    public required ulong WalBytes { get; init; }

    /// <summary>All memtables, active and immutable, of all column families (bounded by <see cref="LedgerDatabaseOptions.MemtableBudgetBytes"/>).</summary>
    public required ulong MemtableBytes { get; init; }

    /// <summary>Block cache usage, pinned index and filter blocks included (bounded by <see cref="LedgerDatabaseOptions.BlockCacheBytes"/>).</summary>
    public required ulong BlockCacheBytes { get; init; }

    /// <summary>Sum over column families of RocksDB's estimate of the bytes compaction must rewrite to bring every level within its target.</summary>
    public required ulong PendingCompactionBytes { get; init; }

    /// <summary>Microseconds writes were delayed or stopped by RocksDB since this open (its STALL_MICROS ticker).</summary>
    public required ulong WriteStallMicroseconds { get; init; }

    /// <summary>
    /// Bytes flushes and compactions wrote since this open (RocksDB's FLUSH_WRITE_BYTES plus
    /// COMPACT_WRITE_BYTES tickers: every file those jobs wrote, blob files included): over the bytes written by the application, the
    /// write amplification, the figure the compaction settings are chosen by (docs/storage.md, "Compaction").
    /// </summary>
    public ulong BackgroundWrittenBytes { get; init; }

    /// <summary>Bytes compactions read since this open (COMPACT_READ_BYTES).</summary>
    public ulong CompactionReadBytes { get; init; }

    /// <summary>Block cache lookups that found the block since this open (BLOCK_CACHE_HIT: data, index and filter blocks).</summary>
    public ulong BlockCacheHits { get; init; }

    /// <summary>Block cache lookups that had to read the block from a file since this open (BLOCK_CACHE_MISS).</summary>
    public ulong BlockCacheMisses { get; init; }

    /// <summary>Whether RocksDB stops writes right now (too many level-0 files, memtables or pending compaction bytes).</summary>
    public required bool WriteStopped { get; init; }

    /// <summary>Table plus blob bytes over all column families.</summary>
    public ulong TotalFileBytes => ColumnFamilies.Aggregate(0UL, (sum, family) => sum + family.SstBytes + family.BlobBytes);
}

/// <summary>What one column family holds on disk: live table (SST) files and live blob files.</summary>
public sealed record ColumnFamilyStatistics(string Name, ulong SstBytes, ulong BlobBytes);
