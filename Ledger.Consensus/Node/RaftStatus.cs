namespace Ledger.Consensus;

/// <summary>A snapshot of a node's state for diagnostics and tests. <see cref="Progress"/> is filled only on a leader.</summary>
public sealed class RaftStatus
{
    public required ulong Id { get; init; }

    public required HardState HardState { get; init; }

    public required SoftState SoftState { get; init; }

    public required ulong Applied { get; init; }

    public required ulong LastIndex { get; init; }

    public required ulong LeadTransferee { get; init; }

    public required ConfState ConfState { get; init; }

    public required IReadOnlyList<ProgressStatus> Progress { get; init; }
}
