using System.Globalization;
using RocksDbSharp;

namespace Ledger.Storage.Statistics;

/// <summary>
/// Reads <see cref="StorageStatistics"/> from RocksDB properties. Cost: a handful of property reads per
/// column family, one listing of the database directory, and one formatting of RocksDB's ticker
/// table — bounded whatever the store's size, so it may run on every metrics scrape.
/// </summary>
internal static class StorageStatisticsReader
{
    internal const string LiveSstBytesProperty = "rocksdb.live-sst-files-size";
    internal const string LiveBlobBytesProperty = "rocksdb.live-blob-file-size";
    internal const string MemtableBytesProperty = "rocksdb.cur-size-all-mem-tables";
    internal const string PendingCompactionBytesProperty = "rocksdb.estimate-pending-compaction-bytes";
    internal const string WriteStoppedProperty = "rocksdb.is-write-stopped";

    /// <summary>The STALL_MICROS ticker's line in RocksDB's statistics text: <c>rocksdb.stall.micros COUNT : 123</c>.</summary>
    internal const string StallMicrosTicker = "rocksdb.stall.micros COUNT : ";

    internal const string FlushWriteBytesTicker = "rocksdb.flush.write.bytes COUNT : ";
    internal const string CompactWriteBytesTicker = "rocksdb.compact.write.bytes COUNT : ";
    internal const string CompactReadBytesTicker = "rocksdb.compact.read.bytes COUNT : ";
    internal const string BlockCacheHitTicker = "rocksdb.block.cache.hit COUNT : ";
    internal const string BlockCacheMissTicker = "rocksdb.block.cache.miss COUNT : ";

    /// <summary>Write-ahead log files end in this (info logs are named LOG, LOG.old.*).</summary>
    private const string WalFileExtension = ".log";

    internal static StorageStatistics Read(RocksDb rocks, string directory, string? statisticsText, Cache blockCache)
    {
        var families = new List<ColumnFamilyStatistics>(ColumnFamilyNames.All.Count);
        ulong memtableBytes = 0;
        ulong pendingCompactionBytes = 0;
        foreach (var name in ColumnFamilyNames.All)
        {
            var family = rocks.GetColumnFamily(name);
            families.Add(new ColumnFamilyStatistics(name, Number(rocks, LiveSstBytesProperty, family), Number(rocks, LiveBlobBytesProperty, family)));
            memtableBytes += Number(rocks, MemtableBytesProperty, family);
            pendingCompactionBytes += Number(rocks, PendingCompactionBytesProperty, family);
        }

        // The derived similarity tables: open only in a read-write open, and counted in bytes per item like the rest.
        if (rocks.TryGetColumnFamily(ColumnFamilyNames.SimilarityIndex, out var similarity))
        {
            families.Add(new ColumnFamilyStatistics(ColumnFamilyNames.SimilarityIndex, Number(rocks, LiveSstBytesProperty, similarity), Number(rocks, LiveBlobBytesProperty, similarity)));
            memtableBytes += Number(rocks, MemtableBytesProperty, similarity);
            pendingCompactionBytes += Number(rocks, PendingCompactionBytesProperty, similarity);
        }

        return new StorageStatistics
        {
            ColumnFamilies = families,
            WalBytes = WalBytes(directory),
            MemtableBytes = memtableBytes,
            BlockCacheBytes = blockCache.GetUsage(),
            PendingCompactionBytes = pendingCompactionBytes,
            WriteStallMicroseconds = StallMicroseconds(statisticsText),
            BackgroundWrittenBytes = Ticker(statisticsText, FlushWriteBytesTicker) + Ticker(statisticsText, CompactWriteBytesTicker),
            CompactionReadBytes = Ticker(statisticsText, CompactReadBytesTicker),
            BlockCacheHits = Ticker(statisticsText, BlockCacheHitTicker),
            BlockCacheMisses = Ticker(statisticsText, BlockCacheMissTicker),
            WriteStopped = Number(rocks, WriteStoppedProperty, rocks.GetDefaultColumnFamily()) != 0,
        };
    }

    /// <summary>The STALL_MICROS count in RocksDB's statistics text; 0 when the line is absent (statistics off).</summary>
    internal static ulong StallMicroseconds(string? statistics) => Ticker(statistics, StallMicrosTicker);

    /// <summary>A ticker's count in RocksDB's statistics text (<paramref name="ticker"/> is its line up to the number); 0 when absent.</summary>
    internal static ulong Ticker(string? statistics, string ticker)
    {
        if (statistics is null)
        {
            return 0;
        }

        var start = statistics.IndexOf(ticker, StringComparison.Ordinal);
        if (start < 0)
        {
            return 0;
        }

        start += ticker.Length;
        var end = start;
        while (end < statistics.Length && char.IsAsciiDigit(statistics[end]))
        {
            end++;
        }

        return ulong.TryParse(statistics.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var micros) ? micros : 0;
    }

    private static ulong Number(RocksDb rocks, string property, ColumnFamilyHandle family)
    {
        var text = rocks.GetProperty(property, family);
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    private static ulong WalBytes(string directory)
    {
        ulong total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*" + WalFileExtension))
        {
            try
            {
                total += (ulong)file.Length;
            }
            catch (FileNotFoundException)
            {
                // RocksDB deleted an obsolete log between the listing and the size: it is no longer live.
            }
        }

        return total;
    }
}
