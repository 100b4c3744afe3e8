using Ledger.Storage;
using Ledger.Storage.Statistics;
using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// RocksDB's figures in the node's Prometheus registry (the metric contract the scale benchmark reads:
/// bytes per column family, WAL, memtables, block cache, compaction debt, write stalls; and what the dashboard
/// adds: block cache hits and misses, bytes flushes and compactions wrote and read). Read from
/// <see cref="LedgerDatabase.ReadStatistics"/> just before each scrape, so nothing runs between scrapes;
/// a failed reading (the database closing under a scrape) leaves the last values and never fails the scrape.
/// </summary>
public sealed class RocksDbMetrics
{
    public const string ColumnFamilyBytesName = "ledger_rocksdb_cf_bytes";
    public const string WalBytesName = "ledger_rocksdb_wal_bytes";
    public const string MemtableBytesName = "ledger_rocksdb_memtable_bytes";
    public const string BlockCacheBytesName = "ledger_rocksdb_block_cache_bytes";
    public const string PendingCompactionBytesName = "ledger_rocksdb_pending_compaction_bytes";
    public const string WriteStallSecondsName = "ledger_rocksdb_write_stall_seconds_total";
    public const string WriteStoppedName = "ledger_rocksdb_write_stopped";
    public const string BlockCacheHitsName = "ledger_rocksdb_block_cache_hits_total";
    public const string BlockCacheMissesName = "ledger_rocksdb_block_cache_misses_total";
    public const string BackgroundWrittenBytesName = "ledger_rocksdb_background_written_bytes_total";
    public const string CompactionReadBytesName = "ledger_rocksdb_compaction_read_bytes_total";

    /// <summary>Every name above, for tests that hold the endpoint to the contract.</summary>
    public static readonly IReadOnlyList<string> ContractNames =
        [ColumnFamilyBytesName, WalBytesName, MemtableBytesName, BlockCacheBytesName, PendingCompactionBytesName, WriteStallSecondsName, WriteStoppedName,
         BlockCacheHitsName, BlockCacheMissesName, BackgroundWrittenBytesName, CompactionReadBytesName];

    private const double MicrosecondsPerSecond = 1_000_000;

    private readonly Func<StorageStatistics> read;
    private readonly Gauge columnFamilyBytes;
    private readonly Gauge walBytes;
    private readonly Gauge memtableBytes;
    private readonly Gauge blockCacheBytes;
    private readonly Gauge pendingCompactionBytes;
    private readonly Counter writeStallSeconds;
    private readonly Gauge writeStopped;
    private readonly Counter blockCacheHits;
    private readonly Counter blockCacheMisses;
    private readonly Counter backgroundWrittenBytes;
    private readonly Counter compactionReadBytes;

    public RocksDbMetrics(CollectorRegistry registry, LedgerDatabase database)
        : this(registry, database.ReadStatistics)
    {
    }

    /// <param name="read">Takes one reading; may throw (caught, the scrape serves the previous values).</param>
    public RocksDbMetrics(CollectorRegistry registry, Func<StorageStatistics> read)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.read = read;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        columnFamilyBytes = factory.CreateGauge(ColumnFamilyBytesName, "Live RocksDB file bytes per column family: kind=sst table files, kind=blob blob files", new GaugeConfiguration { LabelNames = ["cf", "kind"] });
        walBytes = factory.CreateGauge(WalBytesName, "Bytes of live RocksDB write-ahead log files (bounded by Node:Storage:WalBytesMax)");
        memtableBytes = factory.CreateGauge(MemtableBytesName, "RocksDB memtables, active and immutable, all column families (bounded by Node:Storage:MemtableBudgetBytes)");
        blockCacheBytes = factory.CreateGauge(BlockCacheBytesName, "RocksDB block cache usage, pinned index and filter blocks included (bounded by Node:Storage:BlockCacheBytes)");
        pendingCompactionBytes = factory.CreateGauge(PendingCompactionBytesName, "Sum over column families of RocksDB's estimate of bytes compaction must still rewrite");
        writeStallSeconds = factory.CreateCounter(WriteStallSecondsName, "Seconds writes were delayed or stopped by RocksDB since the node started");
        writeStopped = factory.CreateGauge(WriteStoppedName, "1 while RocksDB stops writes, else 0");
        blockCacheHits = factory.CreateCounter(BlockCacheHitsName, "RocksDB block cache lookups that found the block (data, index and filter blocks) since the node started; hit rate = rate(hits) / (rate(hits) + rate(misses))");
        blockCacheMisses = factory.CreateCounter(BlockCacheMissesName, "RocksDB block cache lookups that read the block from a file since the node started");
        backgroundWrittenBytes = factory.CreateCounter(BackgroundWrittenBytesName, "Bytes RocksDB flushes and compactions wrote since the node started (over the bytes the node wrote: write amplification)");
        compactionReadBytes = factory.CreateCounter(CompactionReadBytesName, "Bytes RocksDB compactions read since the node started");
        registry.AddBeforeCollectCallback(() => Refresh());
    }

    /// <summary>Takes one reading into the metrics; false when the reading failed (the previous values stay).</summary>
    public bool Refresh()
    {
        StorageStatistics statistics;
        try
        {
            statistics = read();
        }
#pragma warning disable CA1031 // A scrape must not fail because the store is closing or a property is unreadable: the figures stay as last read.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }

        foreach (var family in statistics.ColumnFamilies)
        {
            columnFamilyBytes.WithLabels(family.Name, "sst").Set(family.SstBytes);
            columnFamilyBytes.WithLabels(family.Name, "blob").Set(family.BlobBytes);
        }

        walBytes.Set(statistics.WalBytes);
        memtableBytes.Set(statistics.MemtableBytes);
        blockCacheBytes.Set(statistics.BlockCacheBytes);
        pendingCompactionBytes.Set(statistics.PendingCompactionBytes);
        writeStallSeconds.IncTo(statistics.WriteStallMicroseconds / MicrosecondsPerSecond);
        writeStopped.Set(statistics.WriteStopped ? 1 : 0);
        blockCacheHits.IncTo(statistics.BlockCacheHits);
        blockCacheMisses.IncTo(statistics.BlockCacheMisses);
        backgroundWrittenBytes.IncTo(statistics.BackgroundWrittenBytes);
        compactionReadBytes.IncTo(statistics.CompactionReadBytes);
        return true;
    }
}
