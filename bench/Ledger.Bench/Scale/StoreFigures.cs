namespace Ledger.Bench.Scale;

/// <summary>
/// The node's store at one moment: RocksDB bytes by column family (sst + blob), WAL, compaction
/// debt and write stalls from the node's metrics (the contract in HELPERS.md), and the data
/// directory's size on disk (du) as the fallback and cross-check. A metric the node does not
/// expose is null.
/// </summary>
internal sealed record StoreFigures(
    IReadOnlyDictionary<string, double> ColumnFamilyBytes,
    double? WalBytes,
    double? PendingCompactionBytes,
    double? WriteStallSecondsTotal,
    double? MemtableBytes,
    double? BlockCacheBytes,
    long DataDirectoryBytes)
{
    public const string CfBytesMetric = "ledger_rocksdb_cf_bytes";
    public const string WalBytesMetric = "ledger_rocksdb_wal_bytes";
    public const string PendingCompactionMetric = "ledger_rocksdb_pending_compaction_bytes";
    public const string WriteStallMetric = "ledger_rocksdb_write_stall_seconds_total";
    public const string MemtableMetric = "ledger_rocksdb_memtable_bytes";
    public const string BlockCacheMetric = "ledger_rocksdb_block_cache_bytes";

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);

    public bool HasColumnFamilies => ColumnFamilyBytes.Count > 0;

    public static async Task<StoreFigures> ReadAsync(string metricsUrl, string dataDirectory)
    {
        var metrics = await ScrapeAsync(metricsUrl).ConfigureAwait(false);
        return FromMetrics(metrics, DirectoryBytes(dataDirectory));
    }

    public static StoreFigures FromMetrics(PrometheusText metrics, long dataDirectoryBytes)
    {
        var perFamily = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (labels, value) in metrics.Series(CfBytesMetric))
        {
            if (labels.TryGetValue("cf", out var family))
            {
                perFamily[family] = perFamily.GetValueOrDefault(family) + value;
            }
        }

        return new StoreFigures(
            perFamily,
            metrics.Value(WalBytesMetric),
            metrics.Value(PendingCompactionMetric),
            metrics.Value(WriteStallMetric),
            metrics.Value(MemtableMetric),
            metrics.Value(BlockCacheMetric),
            dataDirectoryBytes);
    }

    public static async Task<PrometheusText> ScrapeAsync(string metricsUrl)
    {
        using var http = new HttpClient { Timeout = ScrapeTimeout };
        try
        {
            return PrometheusText.Parse(await http.GetStringAsync(new Uri(new Uri(metricsUrl), "/metrics")).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"  metrics at {metricsUrl} unreadable: {e.Message}");
            return PrometheusText.Empty;
        }
    }

    /// <summary>Allocated bytes of every file under <paramref name="directory"/> (apparent length; RocksDB files are not sparse).</summary>
    public static long DirectoryBytes(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        long total = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                // Compaction deleted it while we walked.
            }
        }

        return total;
    }
}
