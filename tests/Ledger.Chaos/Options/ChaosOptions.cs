using Ledger.Chaos.Faults;

namespace Ledger.Chaos.Options;

/// <summary>What one chaos run does; built and checked by <see cref="ChaosCommandLine"/>.</summary>
public sealed record ChaosOptions
{
    public const int NodeCountMin = 3;
    public const int NodeCountMax = 7;
    public const int RatePerSecondMax = 50_000;
    public const int DurationSecondsMax = 24 * 60 * 60;
    public const double FaultIntervalSecondsMin = 1;
    public const double FaultIntervalSecondsMax = 600;

    public const int DefaultRatePerSecond = 2_000;
    public const int DefaultNodeCount = 3;
    public const int DefaultDurationSeconds = 600;
    public const double DefaultFaultIntervalSeconds = 5;

    public int DurationSeconds { get; init; } = DefaultDurationSeconds;

    public int RatePerSecond { get; init; } = DefaultRatePerSecond;

    public int Seed { get; init; }

    public int NodeCount { get; init; } = DefaultNodeCount;

    /// <summary>A planted bug the nodes run with (issue #16 point 4); null = none.</summary>
    public string? Bug { get; init; }

    public IReadOnlyList<FaultKind> FaultKinds { get; init; } = Faults.FaultKinds.Default;

    /// <summary>Mean time from one fault's start to the next one's.</summary>
    public double FaultIntervalSeconds { get; init; } = DefaultFaultIntervalSeconds;

    /// <summary>Print the schedule and exit, without starting anything.</summary>
    public bool ScheduleOnly { get; init; }


    /// <summary>The workload's clients reach each node through a fault proxy (link faults may cut them); false: direct.</summary>
    public bool ClientsThroughProxies { get; init; } = true;

    /// <summary>Keep the run directory (data, node logs, checker report) even when the run passes.</summary>
    public bool KeepRunDirectory { get; init; }

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);
}
