namespace Ledger.Simulation;

/// <summary>Ticks from healing to a fresh commit, over many seeds (nearest-rank percentiles).</summary>
public readonly record struct RecoveryDistribution(int Count, int P50, int P90, int P99, int Max)
{
    public static RecoveryDistribution From(List<int> ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        if (ticks.Count == 0)
        {
            return default;
        }

        ticks.Sort();
        return new RecoveryDistribution(ticks.Count, Rank(ticks, 50), Rank(ticks, 90), Rank(ticks, 99), ticks[^1]);
    }

    public override string ToString() => $"liveness ticks_to_recover n={Count} p50={P50} p90={P90} p99={P99} max={Max}";

    private static int Rank(List<int> sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
