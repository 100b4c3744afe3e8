namespace Ledger.Core.Evidence;

public enum EvidenceCheckStatus
{
    Passed,
    Failed,

    /// <summary>Not applicable or not requested (e.g. no content file given); never makes a bundle fail.</summary>
    Skipped,

    /// <summary>
    /// Holds against the bundle's own genesis, but nothing from outside the bundle (a trusted genesis
    /// file or fingerprint) ties that genesis to the real consortium: the verdict cannot be VALID.
    /// </summary>
    NotAnchored,
}

/// <summary>One named check of an evidence verification and what it found.</summary>
public sealed record EvidenceCheck(string Name, EvidenceCheckStatus Status, string Detail);
