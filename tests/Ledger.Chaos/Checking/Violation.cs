using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking;

/// <summary>
/// One violation with the smallest history slice that shows it: for a non-linearizable work, its
/// operations shrunk while they stay non-linearizable; for a lost transaction, its invocation and
/// completion, with the nodes' heights in <see cref="Details"/>.
/// </summary>
public sealed record Violation(ViolationKind Kind, string Summary)
{
    /// <summary>The work (content hash) the violation is about, when it is about one.</summary>
    public string? WorkKey { get; init; }

    /// <summary>The operations that show the violation, in invocation order.</summary>
    public IReadOnlyList<Operation> Slice { get; init; } = [];

    /// <summary>Facts from outside the history (node heights, what the chain holds at a position).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
