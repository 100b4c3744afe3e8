using ScottPlot;

namespace Ledger.Bench.Scale;

/// <summary>
/// The growth curves of a scale run, one PNG per question (ScottPlot 5, rendered headless through
/// SkiaSharp): rate, proof and query latency, bytes per item by column family, node memory, restart
/// and learner catch-up — each against millions of items anchored.
/// </summary>
internal static class ScaleCharts
{
    private const int WidthPixels = 1000;
    private const int HeightPixels = 600;

    /// <summary>Writes the PNGs into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<StepRecord> steps, string directory)
    {
        if (steps.Count == 0)
        {
            return [];
        }

        var x = steps.Select(s => s.Items / 1e6).ToArray();
        var paths = new List<string>
        {
            Save(Lines("Batch items anchored per second (over each step)", "items/s",
                [("BatchRegister items/s", steps.Select(s => s.BatchItemsPerSecond).ToArray()),
                 ("single RegisterWork tx/s", steps.Select(s => s.Singles.CommittedPerSecond).ToArray())], x), directory, "scale-rate.png"),
            Save(Lines("p99 latency of proofs and queries (random earlier items)", "p99 (ms)",
                [("inclusion proof", P99(steps, l => l.Inclusion)),
                 ("consistency proof", P99(steps, l => l.Consistency)),
                 ("work by id", P99(steps, l => l.WorkById)),
                 ("by content hash", P99(steps, l => l.ByContentHash)),
                 ("similar works", P99(steps, l => l.Similar))], x), directory, "scale-latency.png"),
            Save(Bytes(steps, x), directory, "scale-bytes.png"),
            Save(Lines("Node resident memory (VmRSS)", "MiB",
                [("max over the step", steps.Select(s => s.ResidentBytesMax / 1048576.0).ToArray()),
                 ("at the sample point", steps.Select(s => s.ResidentBytesNow / 1048576.0).ToArray()),
                 ("after restart", steps.Select(s => s.Restart is { } r ? r.ResidentBytesAfter / 1048576.0 : double.NaN).ToArray())], x), directory, "scale-rss.png"),
            Save(Lines("Restart to serving and learner catch-up", "seconds",
                [("restart to serving", steps.Select(s => s.Restart?.ServingSeconds ?? double.NaN).ToArray()),
                 ("SIGTERM to exit", steps.Select(s => s.Restart?.StopSeconds ?? double.NaN).ToArray()),
                 ("first similar-works query after restart", steps.Select(s => s.Restart?.FirstSimilarSeconds ?? double.NaN).ToArray()),
                 ("learner catch-up", steps.Select(s => s.Learner?.CatchUpSeconds ?? double.NaN).ToArray())], x), directory, "scale-restart.png"),
        };
        return paths;
    }

    private static double[] P99(IReadOnlyList<StepRecord> steps, Func<StepLatencies, LatencySummary> pick) =>
        steps.Select(s => pick(s.Latencies).P99Microseconds / 1000).ToArray();

    private static Plot Lines(string title, string yLabel, (string Name, double[] Y)[] series, double[] x)
    {
        var plot = new Plot();
        foreach (var (name, y) in series)
        {
            // Steps without a figure (NaN) are left out rather than drawn as zero.
            var points = x.Zip(y).Where(p => double.IsFinite(p.Second)).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray());
            scatter.LegendText = name;
            scatter.MarkerSize = 6;
        }

        Decorate(plot, title, yLabel);
        return plot;
    }

    // Stacked bars of bytes per item by column family (and WAL) when the node exposes them; the data directory's size per item as a line either way.
    private static Plot Bytes(IReadOnlyList<StepRecord> steps, double[] x)
    {
        var plot = new Plot();
        var families = steps.SelectMany(s => s.Store.ColumnFamilyBytes.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category20();
        var width = x.Length > 1 ? (x[^1] - x[0]) / (x.Length - 1) * 0.6 : Math.Max(x[0] * 0.2, 0.1);
        if (families.Count > 0)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < steps.Count; i++)
            {
                var stored = Math.Max(1, steps[i].StoredItems);
                var stack = 0.0;
                for (var f = 0; f <= families.Count; f++)
                {
                    var bytes = f < families.Count ? steps[i].Store.ColumnFamilyBytes.GetValueOrDefault(families[f]) : steps[i].Store.WalBytes ?? 0;
                    var value = bytes / stored;
                    bars.Add(new Bar { Position = x[i], ValueBase = stack, Value = stack + value, FillColor = palette.GetColor(f), Size = width });
                    stack += value;
                }
            }

            plot.Add.Bars(bars);
            for (var f = 0; f <= families.Count; f++)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = f < families.Count ? families[f] : "WAL", FillColor = palette.GetColor(f) });
            }
        }

        var du = plot.Add.Scatter(x, steps.Select(s => s.DiskBytesPerItem).ToArray());
        du.LegendText = "data directory (du)";
        du.MarkerSize = 6;
        var target = plot.Add.HorizontalLine(ScaleSummary.BytesPerItemMax);
        target.LinePattern = LinePattern.Dashed;
        target.Color = Colors.Red;
        target.LegendText = "target: 200 bytes/item";
        Decorate(plot, families.Count > 0 ? "Bytes on disk per item, by column family" : "Bytes on disk per item (per-CF metrics not exposed by this node)", "bytes / item");
        return plot;
    }

    private static void Decorate(Plot plot, string title, string yLabel)
    {
        plot.Title(title);
        plot.XLabel("items anchored (millions)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
    }

    private static string Save(Plot plot, string directory, string name)
    {
        var path = Path.Combine(directory, name);
        plot.SavePng(path, WidthPixels, HeightPixels);
        return path;
    }
}
