using System.Globalization;
using System.Text;

namespace Ledger.Bench;

/// <summary>
/// The leader's Prometheus histograms (<c>Node:MetricsUrl</c>) read before and after a phase, so a run
/// shows where a submission's time went during that phase: the door, the batcher queue, the Raft write,
/// the apply queue, block production. Percentiles are bucket upper bounds (doublings), means are exact.
/// </summary>
public sealed class NodeMetricsScrape
{
    private static readonly string[] Stages =
    [
        "ledger_admission_seconds",
        "ledger_batch_queue_wait_seconds",
        "ledger_raft_persist_seconds",
        "ledger_apply_queue_wait_seconds",
        "ledger_block_apply_seconds",
        "ledger_submit_seconds",
    ];

    private const string BatchSize = "ledger_batch_transactions";

    private readonly Dictionary<string, Histogram> histograms;

    private NodeMetricsScrape(Dictionary<string, Histogram> histograms) => this.histograms = histograms;

    /// <summary>Scrapes <paramref name="url"/>/metrics; null (and a note on stderr) when it cannot be read.</summary>
    public static async Task<NodeMetricsScrape?> ReadAsync(HttpClient http, string? url)
    {
        if (url is null)
        {
            return null;
        }

        try
        {
            var text = await http.GetStringAsync(new Uri(new Uri(url), "/metrics")).ConfigureAwait(false);
            return new NodeMetricsScrape(Parse(text));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"metrics at {url} unreadable: {e.Message}");
            return null;
        }
    }

    /// <summary>One line: per stage, observations during the phase, mean and p99 in ms; then the mean batch size.</summary>
    public static string Describe(string label, NodeMetricsScrape? before, NodeMetricsScrape? after)
    {
        if (before is null || after is null)
        {
            return $"stages {label}: (no metrics)";
        }

        var line = new StringBuilder($"stages {label} (leader; mean/p99 ms):");
        foreach (var stage in Stages)
        {
            var delta = after.Delta(before, stage);
            if (delta is null || delta.Count == 0)
            {
                continue;
            }

            var shortName = stage["ledger_".Length..^"_seconds".Length];
            line.Append(CultureInfo.InvariantCulture, $" {shortName}={delta.Sum / delta.Count * 1000:F2}/{delta.Quantile(0.99) * 1000:F1}");
        }

        var batches = after.Delta(before, BatchSize);
        if (batches is { Count: > 0 })
        {
            line.Append(CultureInfo.InvariantCulture, $" batch_tx_mean={batches.Sum / batches.Count:F0} batches={batches.Count}");
        }

        return line.ToString();
    }

    private Histogram? Delta(NodeMetricsScrape earlier, string name)
    {
        if (!histograms.TryGetValue(name, out var now))
        {
            return null;
        }

        earlier.histograms.TryGetValue(name, out var then);
        return then is null ? now : now.Minus(then);
    }

    private static Dictionary<string, Histogram> Parse(string text)
    {
        var result = new Dictionary<string, Histogram>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var series = line[..space];
            if (series.EndsWith("_sum", StringComparison.Ordinal))
            {
                Of(result, series[..^4]).Sum = value;
            }
            else if (series.EndsWith("_count", StringComparison.Ordinal))
            {
                Of(result, series[..^6]).Count = value;
            }
            else if (series.Contains("_bucket{le=\"", StringComparison.Ordinal))
            {
                var name = series[..series.IndexOf("_bucket{", StringComparison.Ordinal)];
                var bound = series[(series.IndexOf("le=\"", StringComparison.Ordinal) + 4)..series.LastIndexOf('"')];
                var upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
                Of(result, name).Buckets.Add((upper, value));
            }
        }

        return result;
    }

    private static Histogram Of(Dictionary<string, Histogram> all, string name)
    {
        if (!all.TryGetValue(name, out var histogram))
        {
            histogram = new Histogram();
            all[name] = histogram;
        }

        return histogram;
    }

    /// <summary>Cumulative bucket counts by upper bound, as Prometheus exposes them.</summary>
    private sealed class Histogram
    {
        public double Sum { get; set; }

        public double Count { get; set; }

        public List<(double Upper, double Cumulative)> Buckets { get; } = [];

        public Histogram Minus(Histogram earlier)
        {
            var delta = new Histogram { Sum = Sum - earlier.Sum, Count = Count - earlier.Count };
            for (var i = 0; i < Buckets.Count; i++)
            {
                var before = i < earlier.Buckets.Count ? earlier.Buckets[i].Cumulative : 0;
                delta.Buckets.Add((Buckets[i].Upper, Buckets[i].Cumulative - before));
            }

            return delta;
        }

        public double Quantile(double quantile)
        {
            var rank = quantile * Count;
            foreach (var (upper, cumulative) in Buckets)
            {
                if (cumulative >= rank)
                {
                    return upper;
                }
            }

            return double.PositiveInfinity;
        }
    }
}
