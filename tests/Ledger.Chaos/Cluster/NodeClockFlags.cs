namespace Ledger.Chaos.Cluster;

/// <summary>The node options that skew its injected clock (<c>Ledger.Node.TestFaults.SkewedTimeProvider</c>).</summary>
public static class NodeClockFlags
{
    public const string OffsetMilliseconds = "--Node:ClockOffsetMilliseconds";
    public const string DriftPpm = "--Node:ClockDriftPpm";

    public static string[] For(long offsetMilliseconds, int driftPpm) =>
        [$"{OffsetMilliseconds}={offsetMilliseconds}", $"{DriftPpm}={driftPpm}"];
}
