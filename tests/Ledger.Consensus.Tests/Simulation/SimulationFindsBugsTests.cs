using Ledger.Simulation;

namespace Ledger.Consensus.Tests.Simulation;

/// <summary>
/// The checker is only worth something if it catches real bugs: each deliberate protocol violation in
/// <see cref="RaftBugs"/> must be found within the seed budget, as a safety violation, and replay exactly.
/// </summary>
[TestFixture]
public sealed class SimulationFindsBugsTests
{
    private const int SeedBudget = 2000;
    private const int Parallelism = 2;

    [TestCase(RaftBugs.CommitPriorTermEntryByCounting)]
    [TestCase(RaftBugs.SendBeforePersist)]
    [TestCase(RaftBugs.VoteWithoutLogCheck)]
    [TestCase(RaftBugs.ForgetVoteOnRestart)]
    public void Simulator_WithBugSwitchedOn_FindsSafetyViolationWithinSeedBudget(RaftBugs bug)
    {
        var batch = SeedBatch.Run(0, SeedBudget, seed => SeedBatch.DefaultOptions(seed, bugs: bug), Parallelism, stopAtFirstViolation: true);

        var found = batch.FirstViolation;
        Assert.That(found, Is.Not.Null, $"{bug} was not found in {SeedBudget} seeds.");
        TestContext.Out.WriteLine($"{bug}: first violating seed {found!.Options.Seed} ({found.Options.Seed + 1} seeds): {found.Violation!.Message}");
        TestContext.Out.WriteLine($"replay: {found.Options.ReplayCommand()}");
        Assert.That(found.Violation.Kind, Is.AnyOf(SafetyKinds), () => SimulationReport.Describe(found));

        var replayed = ClusterSimulation.Run(found.Options);
        Assert.That(replayed.Violation?.Message, Is.EqualTo(found.Violation.Message), "a failing seed must replay exactly");
        Assert.That(replayed.TraceHash, Is.EqualTo(found.TraceHash));
        Assert.That(replayed.TraceTail, Is.Not.Empty, "a failure carries the trace that led to it");
    }

    private static readonly object[] SafetyKinds =
    [
        ViolationKind.ElectionSafety,
        ViolationKind.LogMatching,
        ViolationKind.LeaderCompleteness,
        ViolationKind.StateMachineSafety,
        ViolationKind.CommittedEntryLost,
        ViolationKind.Monotonicity,
        ViolationKind.SnapshotMismatch,
        ViolationKind.RaftInvariant,
    ];
}
