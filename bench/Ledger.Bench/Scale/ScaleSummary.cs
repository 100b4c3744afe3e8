using System.Globalization;

namespace Ledger.Bench.Scale;

/// <summary>
/// The run's verdict: the issue's targets as PASS/MISS lines and the one closing line. Pure over
/// the figures, so the wording is checked without a node.
/// </summary>
internal sealed record ScaleSummary(
    long Items,
    double BatchItemsPerSecond,
    double ItemsPerSecondFirst10Percent,
    double ItemsPerSecondLast10Percent,
    double BytesPerItem,
    double ProofP99MicrosecondsFirst,
    double ProofP99MicrosecondsEnd,
    double QueryP99MillisecondsFirst,
    double QueryP99MillisecondsEnd,
    double? RestartSecondsEnd)
{
    public const double AnchorTargetItems = 1.5e9;
    public const double ItemsPerSecondTarget = 250_000;
    public const double LastTenthDropMax = 0.20;
    public const double LatencyGrowthMax = 2.0;
    public const double RestartSecondsMax = 30;
    public const double BytesPerItemMax = 200;

    public double HoursFor1_5e9 => BatchItemsPerSecond > 0 ? AnchorTargetItems / BatchItemsPerSecond / 3600 : double.PositiveInfinity;

    /// <summary>(name, passed, detail) per target of issue 18.</summary>
    public IEnumerable<(string Target, bool Passed, string Detail)> Targets()
    {
        yield return ("batch_items_per_s >= 250000", BatchItemsPerSecond >= ItemsPerSecondTarget, F($"{BatchItemsPerSecond:F0} items/s"));
        yield return ("last 10% rate within 20% of first 10%", ItemsPerSecondLast10Percent >= (1 - LastTenthDropMax) * ItemsPerSecondFirst10Percent,
            F($"first {ItemsPerSecondFirst10Percent:F0}, last {ItemsPerSecondLast10Percent:F0} items/s ({Ratio(ItemsPerSecondLast10Percent, ItemsPerSecondFirst10Percent)})"));
        yield return ("proof p99 at end within 2x of first step", ProofP99MicrosecondsEnd <= LatencyGrowthMax * ProofP99MicrosecondsFirst,
            F($"first {ProofP99MicrosecondsFirst:F0} us, end {ProofP99MicrosecondsEnd:F0} us ({Ratio(ProofP99MicrosecondsEnd, ProofP99MicrosecondsFirst)})"));
        yield return ("query p99 at end within 2x of first step", QueryP99MillisecondsEnd <= LatencyGrowthMax * QueryP99MillisecondsFirst,
            F($"first {QueryP99MillisecondsFirst:F2} ms, end {QueryP99MillisecondsEnd:F2} ms ({Ratio(QueryP99MillisecondsEnd, QueryP99MillisecondsFirst)})"));
        yield return ("restart to serving <= 30 s", RestartSecondsEnd is { } r && r <= RestartSecondsMax,
            RestartSecondsEnd is { } s ? F($"{s:F1} s") : "not measured");
        yield return ("bytes per item <= 200", BytesPerItem <= BytesPerItemMax, F($"{BytesPerItem:F1} bytes/item"));
    }

    public IEnumerable<string> TargetLines() => Targets().Select(t => $"{(t.Passed ? "PASS" : "MISS")} {t.Target}: {t.Detail}");

    public string ClosingLine() => F(
        $"scale_items={Items} batch_items_per_s={BatchItemsPerSecond:F0} items_per_s_last_10pct={ItemsPerSecondLast10Percent:F0} bytes_per_item={BytesPerItem:F0} proof_p99_us={ProofP99MicrosecondsEnd:F0} query_p99_ms={QueryP99MillisecondsEnd:F2} restart_s={(RestartSecondsEnd is { } r ? r.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} hours_for_1_5e9={HoursFor1_5e9:F2}");

    /// <summary>
    /// Items per second over the slice of the run between two item fractions, from the ingest
    /// progress. A slice is widened to at least <paramref name="sliceItemsMin"/> items (backwards for
    /// the end of the run, forwards from its start): batches in flight complete in bursts, so a slice
    /// of only a few batches would measure the burst, not the rate.
    /// </summary>
    public static double RateBetween(IReadOnlyList<(long Items, double Seconds)> progress, double fromFraction, double toFraction, long sliceItemsMin = 0)
    {
        if (progress.Count == 0)
        {
            return 0;
        }

        var total = progress[^1].Items;
        var fromTarget = (long)(fromFraction * total);
        var toTarget = (long)(toFraction * total);
        if (toTarget - fromTarget < sliceItemsMin)
        {
            if (fromTarget == 0)
            {
                toTarget = Math.Min(total, sliceItemsMin);
            }
            else
            {
                fromTarget = Math.Max(0, toTarget - sliceItemsMin);
            }
        }

        var (fromItems, fromSeconds) = At(progress, fromTarget);
        var (toItems, toSeconds) = At(progress, toTarget);
        return toSeconds > fromSeconds ? (toItems - fromItems) / (toSeconds - fromSeconds) : 0;
    }

    // The first progress point at or past the item count (the origin for 0).
    private static (long Items, double Seconds) At(IReadOnlyList<(long Items, double Seconds)> progress, long items)
    {
        if (items <= 0)
        {
            return (0, 0);
        }

        foreach (var point in progress)
        {
            if (point.Items >= items)
            {
                return point;
            }
        }

        return progress[^1];
    }

    private static string Ratio(double value, double baseline) => baseline > 0 ? (value / baseline).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
