using Ledger.Simulation;

namespace Ledger.Consensus.Tests.Simulation;

/// <summary>
/// The checker is only worth something if it catches real bugs: with each deliberate protocol violation in
/// <see cref="RaftBugs"/> switched on, the simulator's own checker (not Raft's internal assertions) must
/// report a safety violation within the seed budget, and the failing seed must replay exactly.
/// </summary>
[TestFixture]
public sealed class SimulationFindsBugsTests
{
    private const int SeedBudget = 2000;
    private const int Parallelism = 2;

    private static readonly ViolationKind[] CheckerKinds =
    [
        ViolationKind.ElectionSafety,
        ViolationKind.LogMatching,
        ViolationKind.LeaderCompleteness,
        ViolationKind.StateMachineSafety,
        ViolationKind.CommittedEntryLost,
        ViolationKind.Monotonicity,
        ViolationKind.SnapshotMismatch,
    ];

    [TestCase(RaftBugs.CommitPriorTermEntryByCounting)]
    [TestCase(RaftBugs.SendBeforePersist)]
    [TestCase(RaftBugs.VoteWithoutLogCheck)]
    [TestCase(RaftBugs.ForgetVoteOnRestart)]
    [TestCase(RaftBugs.LeaderCountsItselfBeforeDurable)]
    public void Simulator_WithBugSwitchedOn_CheckerFindsSafetyViolationWithinSeedBudget(RaftBugs bug)
    {
        var batch = SeedBatch.Run(0, SeedBudget, seed => SeedBatch.DefaultOptions(seed, bugs: bug), Parallelism, stopWhen: IsCheckerFinding);

        var found = LowestSeed(batch, IsCheckerFinding);
        Assert.That(found, Is.Not.Null, $"The checker did not catch {bug} in {SeedBudget} seeds ({batch.Violations} other violations).");
        var seedsNeeded = found!.Options.Seed + 1;
        TestContext.Out.WriteLine($"{bug}: caught by seed {found.Options.Seed} ({seedsNeeded} seeds): {found.Violation!.Message}");
        TestContext.Out.WriteLine($"replay: {found.Options.ReplayCommand()}");
        var earlier = LowestSeed(batch, static result => !result.Passed);
        if (earlier is not null && earlier.Options.Seed < found.Options.Seed)
        {
            TestContext.Out.WriteLine($"earliest violation of any kind: seed {earlier.Options.Seed}: {earlier.Violation!.Message}");
        }

        var replayed = ClusterSimulation.Run(found.Options);
        Assert.That(replayed.Violation?.Message, Is.EqualTo(found.Violation.Message), "a failing seed must replay exactly");
        Assert.That(replayed.TraceHash, Is.EqualTo(found.TraceHash));
        Assert.That(found.TraceTail, Is.Not.Empty, "a failure carries the trace that led to it");
    }

    private static bool IsCheckerFinding(SimulationResult result) =>
        result.Violation is { } violation && Array.IndexOf(CheckerKinds, violation.Kind) >= 0;

    private static SimulationResult? LowestSeed(SeedBatchResult batch, Func<SimulationResult, bool> predicate)
    {
        SimulationResult? lowest = null;
        foreach (var result in batch.Results)
        {
            if (predicate(result) && (lowest is null || result.Options.Seed < lowest.Options.Seed))
            {
                lowest = result;
            }
        }

        return lowest;
    }
}
