using Ledger.Simulation;

namespace Ledger.Consensus.Tests.Simulation;

/// <summary>
/// A node never silently forgets what it acknowledged: in the simulator's rollback profile a crashed node's disk often
/// comes back having lost its log tail — entries it acknowledged, some of them committed (one damaged disk at a time).
/// Plain Raft then elects a leader lacking a committed entry; acknowledged watermarks and incarnations prevent it.
/// </summary>
[TestFixture]
public sealed class StorageRollbackSimulationTests
{
    private const int SeedBudget = 300;
    private const int Parallelism = 2;

    private static readonly ViolationKind[] SafetyKinds =
    [
        ViolationKind.ElectionSafety,
        ViolationKind.LogMatching,
        ViolationKind.LeaderCompleteness,
        ViolationKind.StateMachineSafety,
        ViolationKind.CommittedEntryLost,
        ViolationKind.Monotonicity,
        ViolationKind.SnapshotMismatch,
    ];

    [Test]
    public void Simulator_LostLogTailsWithWatermarksIgnored_CheckerFindsACommittedEntryLost()
    {
        var batch = SeedBatch.Run(0, SeedBudget, Options(RaftBugs.IgnoreAcknowledgedWatermarks), Parallelism, stopWhen: IsSafetyFinding);

        var found = batch.Results.Where(IsSafetyFinding).OrderBy(r => r.Options.Seed).FirstOrDefault();
        Assert.That(found, Is.Not.Null, $"no committed entry was lost in {SeedBudget} seeds without the protection");
        TestContext.Out.WriteLine($"caught by seed {found!.Options.Seed}: {found.Violation!.Message}");
        TestContext.Out.WriteLine($"replay: {found.Options.ReplayCommand()}");
        var replayed = ClusterSimulation.Run(found.Options);
        Assert.That(replayed.Violation?.Message, Is.EqualTo(found.Violation.Message), "a failing seed must replay exactly");
    }

    [Test]
    public void Simulator_LostLogTailsWithWatermarks_NoCommittedEntryLost()
    {
        var batch = SeedBatch.Run(0, SeedBudget, Options(RaftBugs.None), Parallelism);

        var safety = batch.Results.Where(IsSafetyFinding).OrderBy(r => r.Options.Seed).FirstOrDefault();
        var stalled = batch.Results.Count(r => r.Violation?.Kind == ViolationKind.Liveness);
        TestContext.Out.WriteLine($"{batch.Results.Count} seeds; {stalled} did not elect a leader within the liveness bound (recovering nodes refuse votes: see the README); {batch.Recovery()}");
        Assert.That(batch.Results, Has.Count.EqualTo(SeedBudget));
        Assert.That(safety, Is.Null, () => SimulationReport.Describe(safety!));
        Assert.That(batch.Results.Count(r => r.Violation is { } v && Array.IndexOf(SafetyKinds, v.Kind) < 0 && v.Kind != ViolationKind.Liveness), Is.Zero,
            "no Raft invariant or unexpected exception either");
    }

    private static Func<int, SimulationOptions> Options(RaftBugs bugs) =>
        seed => SeedBatch.DefaultOptions(seed, nodes: 3, bugs: bugs, profile: ScenarioProfile.Rollback);

    private static bool IsSafetyFinding(SimulationResult result) =>
        result.Violation is { } violation && Array.IndexOf(SafetyKinds, violation.Kind) >= 0;
}
