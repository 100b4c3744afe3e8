namespace Ledger.Simulation;

/// <summary>The checker found a broken safety or liveness property; the run stops here.</summary>
public sealed class SimulationViolationException : Exception
{
    public SimulationViolationException(ViolationKind kind, string message)
        : base($"{kind}: {message}")
    {
        Kind = kind;
    }

    public ViolationKind Kind { get; }
}
