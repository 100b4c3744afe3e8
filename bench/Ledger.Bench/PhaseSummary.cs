using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>Throughput and latency percentiles of one load phase.</summary>
public sealed record PhaseSummary(string Label, long Committed, long Failed, double ElapsedSeconds, double P50Milliseconds, double P99Milliseconds, double P999Milliseconds)
{
    public double OpsPerSecond => ElapsedSeconds > 0 ? Committed / ElapsedSeconds : 0;

    /// <summary>
    /// Summarises latencies in <see cref="Stopwatch"/> ticks. <paramref name="missing"/> operations never
    /// answered count as slower than any answered one, so they push the tail up instead of vanishing.
    /// </summary>
    public static PhaseSummary From(string label, long[] latencyTicks, int count, long missing, long failed, double elapsedSeconds)
    {
        Array.Sort(latencyTicks, 0, count);
        var total = count + missing;
        return new PhaseSummary(
            label,
            count,
            failed,
            elapsedSeconds,
            Percentile(latencyTicks, count, total, 0.50),
            Percentile(latencyTicks, count, total, 0.99),
            Percentile(latencyTicks, count, total, 0.999));
    }

    /// <summary>A phase left out of a diagnostic run (<c>--phases</c>): nothing committed, no latencies.</summary>
    public static PhaseSummary Skipped(string label) => new(label, 0, 0, 0, double.NaN, double.NaN, double.NaN);

    public string Row() =>
        $"| {Label,-24} | {OpsPerSecond,10:F0} | {P50Milliseconds,8:F1} | {P99Milliseconds,8:F1} | {P999Milliseconds,8:F1} | {Committed,9} | {Failed,6} |";

    public static string Header() =>
        $"| {"phase",-24} | {"ops/s",10} | {"p50 ms",8} | {"p99 ms",8} | {"p999 ms",8} | {"committed",9} | {"failed",6} |";

    private static double Percentile(long[] sorted, int count, long total, double quantile)
    {
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(quantile * total) - 1;
        if (rank >= count)
        {
            return double.PositiveInfinity;
        }

        return sorted[Math.Max(rank, 0)] * 1000.0 / Stopwatch.Frequency;
    }
}
