using System.Globalization;
using System.Text;

namespace Ledger.Bench.Scale;

/// <summary>
/// The scale run's CSV: one row per step, a fixed header (per-column-family bytes go in one
/// <c>name=bytes_per_item;…</c> cell, since the families are known only once the node answers).
/// Empty cells are figures not measured at that step.
/// </summary>
internal static class ScaleCsv
{
    public static readonly string[] Columns =
    [
        "step", "items", "single_items", "ingest_s", "batch_items_per_s", "batches_failed", "node_cpu_s", "bench_cpu_s", "node_cpu_us_per_item",
        "single_tx_per_s", "single_sent", "single_failed", "single_skipped", "single_p50_ms", "single_p99_ms",
        "inclusion_p50_us", "inclusion_p99_us", "consistency_p50_us", "consistency_p99_us",
        "work_by_id_p50_us", "work_by_id_p99_us", "by_content_hash_p50_us", "by_content_hash_p99_us",
        "similar_p50_us", "similar_p99_us", "similar_first_ms", "query_misses", "query_errors",
        "disk_bytes", "disk_bytes_per_item", "rocks_bytes_per_item", "wal_bytes", "cf_bytes_per_item",
        "rss_max_bytes", "rss_now_bytes", "bench_rss_bytes", "memtable_bytes", "block_cache_bytes",
        "pending_compaction_bytes", "write_stall_s_step", "write_stall_s_total",
        "stop_s", "stop_exit_code", "restart_s", "first_similar_after_restart_s", "rss_after_restart_bytes",
        "learner_catch_up_s", "learner_snapshot_bytes", "learner_note", "load_avg",
        // The node's own figures for the sampled calls (LatencySampler, ServerSideFigures): handler time, handler CPU, node process CPU per call.
        "inclusion_handler_us", "inclusion_handler_cpu_us", "inclusion_node_cpu_us",
        "consistency_handler_us", "consistency_handler_cpu_us", "consistency_node_cpu_us",
        "work_by_id_handler_us", "work_by_id_handler_cpu_us", "work_by_id_node_cpu_us",
        "by_content_hash_handler_us", "by_content_hash_handler_cpu_us", "by_content_hash_node_cpu_us",
        "similar_handler_us", "similar_handler_cpu_us", "similar_node_cpu_us",
        // Node CPU per batch item over the ingest phase by thread name (Linux /proc/<pid>/task), largest first: what is serial (the apply thread) and what is not.
        "node_threads_us_per_item",
    ];

    public static string Header => string.Join(',', Columns);

    public static string Row(StepRecord r)
    {
        var l = r.Latencies;
        var cells = new List<string>
        {
            I(r.Step), I(r.Items), I(r.SingleItems), F(r.Ingest.Seconds, 2), F(r.BatchItemsPerSecond, 0), I(r.Ingest.FailedBatches), F(r.NodeCpuSeconds, 1), F(r.BenchCpuSeconds, 1), F(r.NodeCpuMicrosecondsPerItem, 2),
            F(r.Singles.CommittedPerSecond, 1), I(r.Singles.Sent), I(r.Singles.Failed), I(r.Singles.Skipped), F(r.Singles.P50Milliseconds, 2), F(r.Singles.P99Milliseconds, 2),
            F(l.Inclusion.P50Microseconds, 0), F(l.Inclusion.P99Microseconds, 0), F(l.Consistency.P50Microseconds, 0), F(l.Consistency.P99Microseconds, 0),
            F(l.WorkById.P50Microseconds, 0), F(l.WorkById.P99Microseconds, 0), F(l.ByContentHash.P50Microseconds, 0), F(l.ByContentHash.P99Microseconds, 0),
            F(l.Similar.P50Microseconds, 0), F(l.Similar.P99Microseconds, 0), F(l.SimilarFirstMilliseconds, 1),
            I(l.Inclusion.Misses + l.Consistency.Misses + l.WorkById.Misses + l.ByContentHash.Misses + l.Similar.Misses),
            I(l.Inclusion.Errors + l.Consistency.Errors + l.WorkById.Errors + l.ByContentHash.Errors + l.Similar.Errors),
            I(r.Store.DataDirectoryBytes), F(r.DiskBytesPerItem, 1), F(r.RocksBytesPerItem, 1), F(r.Store.WalBytes, 0),
            string.Join(';', r.Store.ColumnFamilyBytes.Select(cf => cf.Key + "=" + F(r.StoredItems > 0 ? cf.Value / r.StoredItems : 0, 1))),
            I(r.ResidentBytesMax), I(r.ResidentBytesNow), I(r.BenchResidentBytes), F(r.Store.MemtableBytes, 0), F(r.Store.BlockCacheBytes, 0),
            F(r.Store.PendingCompactionBytes, 0), F(r.WriteStallSecondsStep, 2), F(r.Store.WriteStallSecondsTotal, 2),
            F(r.Restart?.StopSeconds, 2), r.Restart is null ? "" : I(r.Restart.ExitCode), F(r.Restart?.ServingSeconds, 2), F(r.Restart?.FirstSimilarSeconds, 2), r.Restart is null ? "" : I(r.Restart.ResidentBytesAfter),
            F(r.Learner?.CatchUpSeconds, 2), F(r.Learner?.SnapshotBytes, 0), Text(r.Learner?.Note), Text(r.LoadAverage),
        };
        foreach (var kind in new[] { l.Inclusion, l.Consistency, l.WorkById, l.ByContentHash, l.Similar })
        {
            cells.Add(F(kind.ServerSide.HandlerMeanMicroseconds, 1));
            cells.Add(F(kind.ServerSide.HandlerCpuMicroseconds, 1));
            cells.Add(F(kind.ServerSide.NodeCpuMicroseconds, 1));
        }

        cells.Add(Text(r.NodeThreadsPerItem));

        return string.Join(',', cells);
    }

    /// <summary>The step's stdout line: the figures a reader scans for.</summary>
    public static string Line(StepRecord r)
    {
        var l = r.Latencies;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"step {r.Step}: items={r.Items} batch_items_per_s={r.BatchItemsPerSecond:F0} single_tx_per_s={r.Singles.CommittedPerSecond:F1} node_cpu_us_per_item={r.NodeCpuMicrosecondsPerItem:F1} bench_cpu_s={r.BenchCpuSeconds:F0}");
        line.Append(CultureInfo.InvariantCulture, $" p50/p99: inclusion={Us(l.Inclusion)} consistency={Us(l.Consistency)} work_by_id={Us(l.WorkById)} by_content={Us(l.ByContentHash)} similar={Us(l.Similar)}");
        line.Append(CultureInfo.InvariantCulture, $" handler_us/handler_cpu_us/node_cpu_us: inclusion={Server(l.Inclusion)} consistency={Server(l.Consistency)} work_by_id={Server(l.WorkById)} by_content={Server(l.ByContentHash)} similar={Server(l.Similar)}");
        line.Append(CultureInfo.InvariantCulture, $" disk_bytes_per_item={r.DiskBytesPerItem:F1} rocks_bytes_per_item={(r.RocksBytesPerItem is { } b ? b.ToString("F1", CultureInfo.InvariantCulture) : "n/a")}");
        line.Append(CultureInfo.InvariantCulture, $" rss_max_mb={r.ResidentBytesMax / 1048576.0:F0} rss_now_mb={r.ResidentBytesNow / 1048576.0:F0} bench_rss_mb={r.BenchResidentBytes / 1048576.0:F0}");
        line.Append(CultureInfo.InvariantCulture, $" pending_compaction_mb={(r.Store.PendingCompactionBytes is { } p ? (p / 1048576).ToString("F0", CultureInfo.InvariantCulture) : "n/a")} write_stall_s={(r.WriteStallSecondsStep is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "n/a")}");
        if (r.Restart is { } restart)
        {
            line.Append(CultureInfo.InvariantCulture, $" stop_s={restart.StopSeconds:F1} exit={restart.ExitCode} restart_s={restart.ServingSeconds:F1} first_similar_after_restart_s={restart.FirstSimilarSeconds:F1}");
        }

        if (r.Learner is { } learner)
        {
            line.Append(CultureInfo.InvariantCulture, $" learner_s={(learner.CatchUpSeconds is { } c ? c.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} snapshot_mb={(learner.SnapshotBytes is { } sb ? (sb / 1048576).ToString("F1", CultureInfo.InvariantCulture) : "n/a")}");
        }

        return line.ToString();
    }

    private static string Us(LatencySummary s) => s.Samples == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{s.P50Microseconds / 1000:F2}/{s.P99Microseconds / 1000:F2}ms");

    private static string Server(LatencySummary s) =>
        string.Create(CultureInfo.InvariantCulture, $"{F(s.ServerSide.HandlerMeanMicroseconds, 0)}/{F(s.ServerSide.HandlerCpuMicroseconds, 0)}/{F(s.ServerSide.NodeCpuMicroseconds, 0)}");

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double? value, int decimals) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "";

    // CSV text cell: quoted when it holds a separator or a quote.
    private static string Text(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
