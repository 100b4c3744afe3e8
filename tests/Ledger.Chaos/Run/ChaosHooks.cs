using Ledger.Chaos.Hooks;

namespace Ledger.Chaos.Run;

/// <summary>The parts other helpers provide; the harness's own small versions until theirs are plugged in.</summary>
public sealed record ChaosHooks
{
    public Func<IChaosWorkload> Workload { get; init; } = () => new SubmitWorkload();

    public Func<IChaosChecker> Checker { get; init; } = () => new ChainChecker();

    public Func<IDiskCorruptor> DiskCorruptor { get; init; } = () => new NoDiskCorruptor();

    public static ChaosHooks Default { get; } = new();
}
