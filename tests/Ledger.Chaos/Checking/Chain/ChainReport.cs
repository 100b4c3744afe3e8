namespace Ledger.Chaos.Checking.Chain;

/// <summary>What the chain checks found across the nodes.</summary>
public sealed class ChainReport
{
    public long Acked { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long Diverged { get; init; }

    public long AuditFailures { get; init; }

    public long Unreachable { get; init; }

    /// <summary>Blocks of the agreed chain the audit verified.</summary>
    public ulong AuditedHeight { get; init; }

    /// <summary>Where a transaction (lower-case hex hash) sits in the agreed chain, if it is there.</summary>
    public Func<string, (ulong Height, int Position)?> FindTransaction { get; init; } = _ => null;

    /// <summary>True when at least one node answered, so the agreed chain stands for the cluster's.</summary>
    public bool ChainRead { get; init; }

    public IReadOnlyDictionary<string, ulong> NodeHeights { get; init; } = new Dictionary<string, ulong>();

    public IReadOnlyList<Violation> Violations { get; init; } = [];
}
