using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Observability;

/// <summary>
/// deploy/grafana/ledger-node.json cannot rot: every metric its queries name is served by a running node's
/// /metrics, and the metrics docs/observability.md promises are there too.
/// </summary>
[NonParallelizable]
public sealed partial class DashboardTests
{
    private static readonly string DashboardPath = Path.Combine(FindRepository(), "deploy", "grafana", "ledger-node.json");

    // PromQL words that are not metric names (functions are told apart by the parenthesis after them).
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset" };

    [Test]
    public async Task Dashboard_EveryMetricItsQueriesName_IsExportedByARunningNode()
    {
        var names = MetricNames(Queries(DashboardPath));
        var exposition = await ScrapeRunningNodeAsync();

        var missing = names.Where(name => !Exported(exposition, name)).ToList();

        Assert.That(names, Has.Count.GreaterThan(30), "the dashboard's queries were read");
        Assert.That(Exported(exposition, "ledger_not_a_metric_total"), Is.False, "the check can fail");
        Assert.That(missing, Is.Empty, "named by the dashboard but not served on /metrics");
    }

    [Test]
    public async Task Metrics_RunningNode_ServeProcessGcThreadPoolReplicationAndRocksDbFigures()
    {
        var exposition = await ScrapeRunningNodeAsync();

        Assert.Multiple(() =>
        {
            foreach (var name in new[]
            {
                "process_cpu_seconds_total", "process_working_set_bytes", "dotnet_collection_count_total",
                "ledger_threadpool_threads", "ledger_threadpool_queue_length", "ledger_gc_pause_seconds_total", "ledger_gc_allocated_bytes_total",
                "ledger_certified_height", "ledger_raft_commit_index", "ledger_raft_last_index", "ledger_raft_peer_lag_entries",
                "ledger_rocksdb_block_cache_hits_total", "ledger_rocksdb_block_cache_misses_total", "ledger_rocksdb_background_written_bytes_total",
            })
            {
                Assert.That(Exported(exposition, name), Is.True, name);
            }

            Assert.That(SeriesValue(exposition, "ledger_threadpool_threads"), Is.GreaterThan(0));
            Assert.That(SeriesValue(exposition, "ledger_certified_height"), Is.GreaterThanOrEqualTo(0));
            Assert.That(SeriesValue(exposition, "ledger_raft_commit_index"), Is.GreaterThanOrEqualTo(1), "the submission was committed");
        });
    }

    [Test]
    public void Dashboard_EveryPanelQueriesThroughTheDataSourceVariable()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var panels = document.RootElement.GetProperty("panels").EnumerateArray().Where(panel => panel.GetProperty("type").GetString() != "row").ToList();

        Assert.That(panels, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var panel in panels)
            {
                var title = panel.GetProperty("title").GetString();
                Assert.That(panel.GetProperty("datasource").GetProperty("uid").GetString(), Is.EqualTo("${datasource}"), title);
                Assert.That(panel.GetProperty("targets").GetArrayLength(), Is.GreaterThan(0), title);
            }
        });
    }

    [Test]
    public void MetricNames_Query_SkipsFunctionsLabelsKeywordsAndRanges()
    {
        var names = MetricNames(["label_values(ledger_raft_term, instance)", "histogram_quantile(0.99, sum by (instance, le) (rate(ledger_submit_seconds_bucket{instance=~\"$instance\",code=\"x\"}[$__rate_interval]))) / on (instance) group_left ledger_height offset 5m"]);

        Assert.That(names, Is.EquivalentTo(new[] { "ledger_raft_term", "ledger_submit_seconds_bucket", "ledger_height" }));
    }

    /// <summary>Every PromQL expression of the dashboard: panel targets and query variables.</summary>
    private static List<string> Queries(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var queries = new List<string>();
        Collect(document.RootElement, queries);
        return queries;

        static void Collect(JsonElement element, List<string> into)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name is "expr" or "definition" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            into.Add(property.Value.GetString()!);
                        }
                        else
                        {
                            Collect(property.Value, into);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, into);
                    }

                    break;
            }
        }
    }

    /// <summary>Metric names in PromQL: identifiers outside label matchers, groupings and ranges, not followed by '(' (functions), not keywords.</summary>
    private static HashSet<string> MetricNames(IEnumerable<string> queries)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var stripped = LabelValues().Replace(query, "$1"); // a variable's query: label_values(metric, label)
            stripped = Strings().Replace(stripped, " ");
            stripped = LabelMatchers().Replace(stripped, " ");
            stripped = Groupings().Replace(stripped, " ");
            stripped = Ranges().Replace(stripped, " ");
            stripped = Variables().Replace(stripped, " ");
            stripped = Durations().Replace(stripped, " ");
            foreach (Match identifier in Identifiers().Matches(stripped))
            {
                if (!identifier.Groups["call"].Success && !Keywords.Contains(identifier.Groups["name"].Value))
                {
                    names.Add(identifier.Groups["name"].Value);
                }
            }
        }

        return names;
    }

    /// <summary>A series of the family on /metrics, or the family declared (a labelled family with no series yet, as a follower's peer lag).</summary>
    private static bool Exported(string exposition, string name)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith($"# TYPE {name} ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static double SeriesValue(string exposition, string series)
    {
        var line = exposition.Split('\n').First(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ScrapeRunningNodeAsync()
    {
        using var consortium = new TestConsortium(1);
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        await using var node = new InProcessNode(consortium.ArgumentsFor(0, ["--metrics-url", metricsUrl]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var tampered = consortium.RegisterWork();
        tampered.Signature = Google.Protobuf.ByteString.CopyFrom(new byte[tampered.Signature.Length]);
        Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = tampered }));

        using var http = new HttpClient();
        return await http.GetStringAsync($"{metricsUrl}/metrics");
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ledger.sln not found above the test directory");
    }

    [GeneratedRegex(@"label_values\(\s*([^,)]+)(?:,[^)]*)?\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex Variables();

    [GeneratedRegex(@"\b\d+(?:\.\d+)?(?:e\d+)?(?:ms|s|m|h|d|w|y)?\b")]
    private static partial Regex Durations();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();
}
