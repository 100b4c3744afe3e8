namespace Ledger.Chaos.Checking.Linearizability;

/// <summary>What the register checks found over the whole history.</summary>
public sealed class LinearizabilityReport
{
    public long WorksChecked { get; init; }

    public long NonLinearizableWorks { get; init; }

    public long UndecidedWorks { get; init; }

    public long InventedReads { get; init; }

    /// <summary>Ids of the invented reads (so other checks do not count them twice).</summary>
    public IReadOnlySet<long> InventedReadIds { get; init; } = new HashSet<long>();

    /// <summary>Non-linearizable works (shrunk) and invented reads, up to <see cref="CheckVerdict.ViolationsReportedPerKindMax"/> of each.</summary>
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>Works the search could not decide within its bound (first few, for the report).</summary>
    public IReadOnlyList<string> UndecidedKeys { get; init; } = [];
}
