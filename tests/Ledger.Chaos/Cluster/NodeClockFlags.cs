namespace Ledger.Chaos.Cluster;

/// <summary>
/// The node flags that skew its injected clock (the switches work adds them to Ledger.Node). Unknown
/// configuration keys are ignored by the node, so passing them to a node without them is harmless,
/// but the clock fault is then a plain restart: it is off by default (<see cref="Faults.FaultKinds.Default"/>).
/// </summary>
public static class NodeClockFlags
{
    public const string OffsetMilliseconds = "--Node:ClockOffsetMilliseconds";
    public const string DriftPpm = "--Node:ClockDriftPpm";

    public static string[] For(long offsetMilliseconds, int driftPpm) =>
        [$"{OffsetMilliseconds}={offsetMilliseconds}", $"{DriftPpm}={driftPpm}"];
}
