namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Process exit codes by failure class. Scripts branch on these, so they never change meaning:
/// a verification failure (1) is a finding about the evidence, every other non-zero code is a
/// problem with running the check.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (and every verification passed).</summary>
    public const int Ok = 0;

    /// <summary>A verification ran and found a problem (bad signature, proof, hash, fork...).</summary>
    public const int VerificationFailed = 1;

    /// <summary>The command line is wrong (unknown option, missing argument, bad value).</summary>
    public const int Usage = 2;

    /// <summary>A named file, transaction, block or work does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>No node could be reached, or none answered in time.</summary>
    public const int Unavailable = 4;

    /// <summary>Reading or writing a local file or database failed.</summary>
    public const int InputOutput = 5;

    /// <summary>An input file exists but is malformed (key file, genesis, bundle, manifest).</summary>
    public const int InvalidInput = 6;

    /// <summary>
    /// The ledger committed the transaction, but its receipt is not verified: no header of its block
    /// certified by a quorum came in time, or no trusted genesis was given.
    /// </summary>
    public const int NotCertified = 9;

    /// <summary>The ledger refused the request (bad argument, permission denied, duplicate).</summary>
    public const int Rejected = 7;

    /// <summary>
    /// An offline verification found no fault but was given no trusted anchor (the consortium's
    /// genesis file or fingerprint), so it cannot say VALID: the evidence may come from a
    /// self-made consortium.
    /// </summary>
    public const int NotAnchored = 8;

    /// <summary>A bug: an exception nobody anticipated.</summary>
    public const int Internal = 10;

    public static IReadOnlyList<(int Code, string Meaning)> Documented { get; } =
    [
        (Ok, "success"),
        (VerificationFailed, "verification failed"),
        (Usage, "usage error"),
        (NotFound, "not found"),
        (Unavailable, "node unavailable / network error / timeout"),
        (InputOutput, "local I/O error"),
        (InvalidInput, "malformed input file"),
        (Rejected, "rejected by the ledger"),
        (NotAnchored, "not anchored (no trusted genesis given)"),
        (NotCertified, "committed, but not verified against a quorum-certified header (yet)"),
        (Internal, "internal error (a bug)"),
    ];
}
