namespace Ledger.Chaos.Checking.Evidence;

/// <summary>How the evidence bundles exported during the run fared when verified again at the end.</summary>
public sealed class EvidenceRecheckReport
{
    public long Checked { get; init; }

    public long Failures { get; init; }

    public IReadOnlyList<Violation> Violations { get; init; } = [];
}
