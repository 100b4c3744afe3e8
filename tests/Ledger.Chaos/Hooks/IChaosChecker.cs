using Ledger.Chaos.History;

namespace Ledger.Chaos.Hooks;

/// <summary>What the checker gets after every fault is healed and the nodes converged.</summary>
public sealed record CheckContext(
    IReadOnlyList<Operation> History,
    IReadOnlyList<NodeEndpoint> Nodes,
    string GenesisPath,
    string RunDirectory);

/// <summary>The checker's counts for the closing line and, when something is wrong, what and where.</summary>
public sealed record CheckVerdict
{
    public long Acknowledged { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long Diverged { get; init; }

    public long NonLinearizable { get; init; }

    /// <summary>One line per violation kind found, naming it (the planted-bug runs must name what they caught).</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];

    /// <summary>The smallest history slice that shows the first violation (empty when none).</summary>
    public string SmallestSlice { get; init; } = "";

    public bool Passed => Lost == 0 && Duplicated == 0 && Diverged == 0 && NonLinearizable == 0 && Violations.Count == 0;
}

/// <summary>The verdict over the history and the nodes' chains.</summary>
public interface IChaosChecker
{
    Task<CheckVerdict> CheckAsync(CheckContext context, CancellationToken cancel);
}
