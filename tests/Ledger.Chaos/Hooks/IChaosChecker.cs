using Ledger.Chaos.Checking;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Hooks;

/// <summary>What the checker gets after every fault is healed and the nodes converged.</summary>
public sealed record CheckContext(
    IReadOnlyList<Operation> History,
    IReadOnlyList<NodeEndpoint> Nodes,
    string GenesisPath,
    string RunDirectory);

/// <summary>The verdict over the history and the nodes' chains (the checker's <see cref="RunChecker"/> by default).</summary>
public interface IChaosChecker
{
    Task<CheckVerdict> CheckAsync(CheckContext context, CancellationToken cancel);
}
