namespace Ledger.Simulation;

public sealed record SeedBatchResult(IReadOnlyList<SimulationResult> Results, TimeSpan Elapsed)
{
    public int Violations
    {
        get
        {
            var violations = 0;
            foreach (var result in Results)
            {
                violations += result.Passed ? 0 : 1;
            }

            return violations;
        }
    }

    /// <summary>The violating run with the lowest seed, or null.</summary>
    public SimulationResult? FirstViolation
    {
        get
        {
            SimulationResult? first = null;
            foreach (var result in Results)
            {
                if (!result.Passed && (first is null || result.Options.Seed < first.Options.Seed))
                {
                    first = result;
                }
            }

            return first;
        }
    }

    public double SeedsPerSecond => Results.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Ticks-to-recover percentiles over the seeds that recovered.</summary>
    public RecoveryDistribution Recovery()
    {
        var ticks = new List<int>(Results.Count);
        foreach (var result in Results)
        {
            if (result.TicksToRecover >= 0)
            {
                ticks.Add(result.TicksToRecover);
            }
        }

        return RecoveryDistribution.From(ticks);
    }
}
