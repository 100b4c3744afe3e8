namespace Ledger.Core.Evidence;

public enum EvidenceCheckStatus
{
    Passed,
    Failed,

    /// <summary>Not applicable or not requested (e.g. no content file given); never makes a bundle fail.</summary>
    Skipped,
}

/// <summary>One named check of an evidence verification and what it found.</summary>
public sealed record EvidenceCheck(string Name, EvidenceCheckStatus Status, string Detail);
