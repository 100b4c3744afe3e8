using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>Everything that determines one run. Two runs with equal options produce identical traces.</summary>
public sealed record SimulationOptions
{
    public const int ChaosTicksDefault = 1000;
    public const int LivenessTicksMaxDefault = 1500;
    public const int TraceCapacityDefault = 4096;

    public required int Seed { get; init; }

    /// <summary>Initial voters (3, 5 or 7); two more ids exist as spares that membership changes may add.</summary>
    public required int Nodes { get; init; }

    public RaftBugs Bugs { get; init; } = RaftBugs.None;

    public ScenarioProfile Profile { get; init; } = ScenarioProfile.Mixed;

    /// <summary>Ticks of the chaos phase, after which the network heals and liveness is measured.</summary>
    public int ChaosTicks { get; init; } = ChaosTicksDefault;

    /// <summary>Bound on ticks from healing until a leader commits a fresh proposal.</summary>
    public int LivenessTicksMax { get; init; } = LivenessTicksMaxDefault;

    /// <summary>Trace events kept in the ring buffer (printed on failure).</summary>
    public int TraceCapacity { get; init; } = TraceCapacityDefault;

    public const int SpareNodes = 2;

    /// <summary>The default cluster-size mix: 3, 5 and 7 nodes in turn by seed.</summary>
    public static int NodesForSeed(int seed) => 3 + (2 * (int)((uint)seed % 3));

    /// <summary>The profile a run uses when none is named: hostile when a bug is switched on.</summary>
    public static ScenarioProfile DefaultProfileFor(RaftBugs bugs) => bugs == RaftBugs.None ? ScenarioProfile.Mixed : ScenarioProfile.Hostile;

    /// <summary>The one command that replays this run exactly.</summary>
    public string ReplayCommand()
    {
        var command = $"dotnet run -c Release --project tests/Ledger.Simulation -- --seed {Seed} --nodes {Nodes}";
        if (Bugs != RaftBugs.None)
        {
            command += $" --bug {Bugs}";
        }

        if (Profile.Name != DefaultProfileFor(Bugs).Name)
        {
            command += $" --profile {Profile.Name}";
        }

        if (ChaosTicks != ChaosTicksDefault)
        {
            command += $" --steps {ChaosTicks}";
        }

        return command + " --trace";
    }
}
