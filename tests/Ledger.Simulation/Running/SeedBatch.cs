using System.Diagnostics;
using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>Runs many independent seeds in parallel; each seed is its own deterministic world.</summary>
public static class SeedBatch
{
    /// <summary>
    /// Runs seeds [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).
    /// <paramref name="optionsForSeed"/> builds each seed's options. With <paramref name="stopAtFirstViolation"/>
    /// every seed below the lowest violating one still runs, so the reported first seed is deterministic.
    /// </summary>
    public static SeedBatchResult Run(int start, int count, Func<int, SimulationOptions> optionsForSeed, int parallelism, bool stopAtFirstViolation = false) =>
        Run(start, count, optionsForSeed, parallelism, stopAtFirstViolation ? static result => !result.Passed : null);

    /// <summary>As above, stopping at the first seed whose result satisfies <paramref name="stopWhen"/> (when given).</summary>
    public static SeedBatchResult Run(int start, int count, Func<int, SimulationOptions> optionsForSeed, int parallelism, Func<SimulationResult, bool>? stopWhen)
    {
        ArgumentNullException.ThrowIfNull(optionsForSeed);
        var results = new SimulationResult?[count];
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (i, state) =>
        {
            if (state.ShouldExitCurrentIteration && state.LowestBreakIteration < i)
            {
                return;
            }

            var result = ClusterSimulation.Run(optionsForSeed(start + i));
            results[i] = result;
            if (stopWhen is not null && stopWhen(result))
            {
                state.Break();
            }
        });
        stopwatch.Stop();

        var ran = new List<SimulationResult>(count);
        foreach (var result in results)
        {
            if (result is not null)
            {
                ran.Add(result);
            }
        }

        return new SeedBatchResult(ran, stopwatch.Elapsed);
    }

    /// <summary>Options for <paramref name="seed"/> with the CLI defaults: the 3/5/7 mix unless <paramref name="nodes"/> is set.</summary>
    public static SimulationOptions DefaultOptions(int seed, int? nodes = null, RaftBugs bugs = RaftBugs.None, ScenarioProfile? profile = null, int chaosTicks = SimulationOptions.ChaosTicksDefault) => new()
    {
        Seed = seed,
        Nodes = nodes ?? SimulationOptions.NodesForSeed(seed),
        Bugs = bugs,
        Profile = profile ?? SimulationOptions.DefaultProfileFor(bugs),
        ChaosTicks = chaosTicks,
    };
}
