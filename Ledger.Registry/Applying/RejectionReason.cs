namespace Ledger.Registry.Applying;

/// <summary>
/// Why a transaction (or one batch item) was rejected. Values are stable: they are recorded in the
/// chain (as their names, in <c>TransactionResult.reason</c>, "Name: detail").
/// </summary>
public enum RejectionReason
{
    None = 0,

    // Envelope and signer.
    WrongChainId = 1,
    UnsupportedTransactionType = 2,
    MalformedBody = 3,
    DuplicateNonce = 4,
    UnknownKey = 5,
    KeyRevoked = 6,
    SuiteMismatch = 7,
    MemberInactive = 8,
    RoleNotPermitted = 9,

    /// <summary>The signer's role may do this in general, but not to this object (not the work's controller, not the accused party).</summary>
    NotAuthorized = 10,

    // Field validation.
    MissingField = 11,
    InvalidField = 12,
    LimitExceeded = 13,
    UnknownMember = 14,

    // Works.
    DuplicateContentHash = 15,
    /// <summary>No longer recorded (kept: values are stable): a batch whose detached items do not match its signed merkle_root is <see cref="MalformedTransaction"/>.</summary>
    BatchRootMismatch = 16,
    WorkNotFound = 17,

    // Licences.
    LicenseNotFound = 18,
    LicenseAlreadyRevoked = 19,

    // Claims.
    ClaimNotFound = 20,
    ClaimTransitionNotAllowed = 21,

    // Governance.
    ProposalNotFound = 22,
    ProposalExpired = 23,
    ProposalClosed = 24,
    AlreadyVoted = 25,
    ChangeNotApplicable = 26,
    ThresholdUnreachable = 27,

    // Signature and encoding (checked by every node at apply, whatever path brought the bytes).

    /// <summary>The signature does not verify under the signer key's public key for this chain (or is missing).</summary>
    BadSignature = 28,

    /// <summary>The committed transaction parses but its bytes are not the canonical leaf encoding.</summary>
    NonCanonicalEncoding = 29,

    /// <summary>
    /// The committed bytes do not parse as a SignedTransaction, or its envelope does not parse; or its
    /// detached items are not what the signed body says (missing, not a canonical BatchItems, another
    /// count or root, present on a type that has none), or a BatchRegister body carries inline items.
    /// </summary>
    MalformedTransaction = 30,
}
