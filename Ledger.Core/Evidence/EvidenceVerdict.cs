namespace Ledger.Core.Evidence;

/// <summary>
/// The one-word answer of an evidence verification, in order of precedence: a failed check makes
/// it <see cref="Invalid"/>; else a bundle not anchored in a trusted genesis is
/// <see cref="NotAnchored"/>; else the ledger's proven decision says <see cref="Rejected"/> or
/// <see cref="Valid"/>. VALID therefore always means "anchored, every check passed, and the ledger
/// accepted it".
/// </summary>
public enum EvidenceVerdict
{
    /// <summary>Every check passed against a trusted genesis and the ledger accepted the transaction (or item).</summary>
    Valid,

    /// <summary>Every check passed against a trusted genesis and the bundle proves the ledger refused it.</summary>
    Rejected,

    /// <summary>A check failed: the bundle proves nothing.</summary>
    Invalid,

    /// <summary>No check failed, but no trusted genesis was given: anyone can make a consortium and a bundle like it.</summary>
    NotAnchored,
}

/// <summary>What the ledger decided, as proven by the bundle (the result in the log leaf, or the item's committed outcome).</summary>
public enum LedgerDecision
{
    Accepted,
    Rejected,
}
