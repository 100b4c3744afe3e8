using Ledger.Simulation;

namespace Ledger.Consensus.Tests.Simulation;

/// <summary>The deterministic simulator over many seeds: Raft's safety properties hold and the cluster recovers.</summary>
[TestFixture]
public sealed class SimulationSafetyTests
{
    private const int CiSeeds = 2000;
    private const int CiParallelism = 2;

    [Test]
    public void Simulation_2000Seeds_MixedClusterSizes_NoSafetyViolation()
    {
        var batch = SeedBatch.Run(0, CiSeeds, seed => SeedBatch.DefaultOptions(seed), CiParallelism);

        TestContext.Out.WriteLine($"{batch.Results.Count} seeds in {batch.Elapsed.TotalSeconds:F1} s ({batch.SeedsPerSecond:F1} seeds/s); {batch.Recovery()}");
        Assert.That(batch.Results, Has.Count.EqualTo(CiSeeds));
        Assert.That(batch.Violations, Is.Zero, () => SimulationReport.Describe(batch.FirstViolation!));
        Assert.That(CountWithNodes(batch, 3), Is.GreaterThan(0));
        Assert.That(CountWithNodes(batch, 5), Is.GreaterThan(0));
        Assert.That(CountWithNodes(batch, 7), Is.GreaterThan(0));
        Assert.That(batch.Recovery().Count, Is.EqualTo(CiSeeds), "every seed must measure its recovery");
    }

    [Test]
    public void Simulation_HostileProfileWithoutBugs_NoSafetyViolation()
    {
        // The bug-finding tests use this profile; it must not report violations on correct Raft.
        var batch = SeedBatch.Run(0, 300, seed => SeedBatch.DefaultOptions(seed, profile: ScenarioProfile.Hostile), CiParallelism);

        Assert.That(batch.Violations, Is.Zero, () => SimulationReport.Describe(batch.FirstViolation!));
    }

    [Test]
    public void Simulation_SameSeedTwice_IdenticalTraceHash()
    {
        var options = SeedBatch.DefaultOptions(seed: 4242, nodes: 5);

        var first = ClusterSimulation.Run(options);
        var second = ClusterSimulation.Run(options);

        Assert.That(second.TraceHash, Is.EqualTo(first.TraceHash));
        Assert.That(second.TraceEvents, Is.EqualTo(first.TraceEvents));
        Assert.That(second.CommittedMax, Is.EqualTo(first.CommittedMax));
        Assert.That(first.TraceEvents, Is.GreaterThan(1000), "the run must have done real work");
    }

    [Test]
    public void Simulation_DifferentSeeds_DifferentTraceHash()
    {
        var first = ClusterSimulation.Run(SeedBatch.DefaultOptions(seed: 4242, nodes: 5));
        var second = ClusterSimulation.Run(SeedBatch.DefaultOptions(seed: 4243, nodes: 5));

        Assert.That(second.TraceHash, Is.Not.EqualTo(first.TraceHash));
    }

    [Test]
    public void ReplayCommand_BugSeed_NamesEveryOptionNeededToReplay()
    {
        var options = SeedBatch.DefaultOptions(seed: 17, nodes: 7, bugs: RaftBugs.VoteWithoutLogCheck);

        Assert.That(
            options.ReplayCommand(),
            Is.EqualTo("dotnet run -c Release --project tests/Ledger.Simulation -- --seed 17 --nodes 7 --bug VoteWithoutLogCheck --trace"));
    }

    private static int CountWithNodes(SeedBatchResult batch, int nodes)
    {
        var count = 0;
        foreach (var result in batch.Results)
        {
            count += result.Options.Nodes == nodes ? 1 : 0;
        }

        return count;
    }
}
