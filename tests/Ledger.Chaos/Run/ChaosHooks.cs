using Ledger.Chaos.Hooks;

namespace Ledger.Chaos.Run;

/// <summary>The parts the run calls out to (the workload, the checker, the disk corruptor); tests may plug in their own.</summary>
public sealed record ChaosHooks
{
    public Func<IChaosWorkload> Workload { get; init; } = () => new ChaosWorkloadHook();

    public Func<IChaosChecker> Checker { get; init; } = () => new RunCheckerHook();

    public Func<IDiskCorruptor> DiskCorruptor { get; init; } = () => new StoppedNodeCorruptor();

    public static ChaosHooks Default { get; } = new();
}
