using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Metrics;
using Ledger.Node.Tests.Support;
using Ledger.Storage.Statistics;
using Prometheus;

namespace Ledger.Node.Tests.Metrics;

/// <summary>The RocksDB metric contract (HELPERS.md, read by the scale benchmark) on the node's metrics endpoint.</summary>
[NonParallelizable]
public sealed class RocksDbMetricsTests
{
    /// <summary>The contract's names, written out here on purpose: renaming one in the code must fail this test.</summary>
    private static readonly string[] ContractSeries =
    [
        "ledger_rocksdb_cf_bytes{cf=\"registry_state\",kind=\"sst\"}",
        "ledger_rocksdb_cf_bytes{cf=\"blocks\",kind=\"blob\"}",
        "ledger_rocksdb_cf_bytes{cf=\"raft_log\",kind=\"blob\"}",
        "ledger_rocksdb_wal_bytes",
        "ledger_rocksdb_memtable_bytes",
        "ledger_rocksdb_block_cache_bytes",
        "ledger_rocksdb_pending_compaction_bytes",
        "ledger_rocksdb_write_stall_seconds_total",
        "ledger_rocksdb_write_stopped",
    ];

    [Test]
    public async Task Metrics_RunningNode_ExposeEveryRocksDbContractSeries()
    {
        using var consortium = new TestConsortium(1);
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        await using var node = new InProcessNode(consortium.ArgumentsFor(0, ["--metrics-url", metricsUrl]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await SubmitOneAsync(node, consortium);

        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{metricsUrl}/metrics");

        Assert.Multiple(() =>
        {
            foreach (var series in ContractSeries)
            {
                Assert.That(Value(text, series), Is.Not.Null.And.GreaterThanOrEqualTo(0), series);
            }

            Assert.That(Value(text, "ledger_rocksdb_memtable_bytes") + Value(text, "ledger_rocksdb_wal_bytes"), Is.GreaterThan(0), "a registration was written");
            Assert.That(Value(text, "ledger_rocksdb_write_stopped"), Is.Zero);
        });
    }

    [Test]
    public async Task Scrape_ReadingThrows_ServesTheOtherMetricsAndKeepsTheLastValues()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var fail = false;
        var metrics = new RocksDbMetrics(registry, () => fail ? throw new ObjectDisposedException("database") : Reading(walBytes: 42));
        Assert.That(metrics.Refresh(), Is.True);
        fail = true;

        var text = await ScrapeAsync(registry);

        Assert.That(metrics.Refresh(), Is.False);
        Assert.That(Value(text, "ledger_rocksdb_wal_bytes"), Is.EqualTo(42));
    }

    [Test]
    public async Task Scrape_StallMicroseconds_CountsSeconds()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        _ = new RocksDbMetrics(registry, () => Reading(walBytes: 0, stallMicroseconds: 2_500_000));

        var text = await ScrapeAsync(registry);

        Assert.That(Value(text, "ledger_rocksdb_write_stall_seconds_total"), Is.EqualTo(2.5));
    }

    [Test]
    public async Task Scrape_BlockCacheAndCompactionTickers_CountAsTotals()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        _ = new RocksDbMetrics(registry, () => Reading(walBytes: 0) with { BlockCacheHits = 90, BlockCacheMisses = 10, BackgroundWrittenBytes = 4_096, CompactionReadBytes = 1_024 });

        var text = await ScrapeAsync(registry);

        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "ledger_rocksdb_block_cache_hits_total"), Is.EqualTo(90));
            Assert.That(Value(text, "ledger_rocksdb_block_cache_misses_total"), Is.EqualTo(10));
            Assert.That(Value(text, "ledger_rocksdb_background_written_bytes_total"), Is.EqualTo(4_096));
            Assert.That(Value(text, "ledger_rocksdb_compaction_read_bytes_total"), Is.EqualTo(1_024));
        });
    }

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static StorageStatistics Reading(ulong walBytes, ulong stallMicroseconds = 0) => new()
    {
        ColumnFamilies = [new ColumnFamilyStatistics("registry_state", 1, 0)],
        WalBytes = walBytes,
        MemtableBytes = 0,
        BlockCacheBytes = 0,
        PendingCompactionBytes = 0,
        WriteStallMicroseconds = stallMicroseconds,
        WriteStopped = false,
    };

    private static async Task SubmitOneAsync(InProcessNode node, TestConsortium consortium)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 100)
            {
                // The single node elects itself first.
                await Task.Delay(100);
            }
        }
    }

    private static double? Value(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
