namespace Ledger.Simulation;

/// <summary>The outcome of one seed.</summary>
public sealed record SimulationResult
{
    public required SimulationOptions Options { get; init; }

    /// <summary>Null when every property held.</summary>
    public SimulationViolationException? Violation { get; init; }

    /// <summary>Ticks from healing until a fresh proposal was applied; -1 when the run stopped earlier.</summary>
    public int TicksToRecover { get; init; } = -1;

    public required ulong TraceHash { get; init; }

    public required long TraceEvents { get; init; }

    public required long Ticks { get; init; }

    public required ulong CommittedMax { get; init; }

    /// <summary>The last trace lines (filled on a violation or when asked for).</summary>
    public IReadOnlyList<string> TraceTail { get; init; } = [];

    public bool Passed => Violation is null;
}
