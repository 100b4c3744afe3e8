namespace Ledger.Chaos.Faults;

/// <summary>How a partition splits the nodes.</summary>
public enum PartitionShape
{
    /// <summary>A random minority (fewer than half) cut off from the majority.</summary>
    MajorityMinority,

    /// <summary>The current leader alone on one side.</summary>
    LeaderIsolated,

    /// <summary>Two halves that cannot see each other, and one node that sees both.</summary>
    Bridge,
}
