namespace Ledger.Core.Evidence;

/// <summary>The outcome of verifying one bundle: each check, plus the facts a reader needs.</summary>
public sealed class EvidenceReport
{
    public required IReadOnlyList<EvidenceCheck> Checks { get; init; }

    public bool Passed => Checks.All(c => c.Status != EvidenceCheckStatus.Failed);

    public EvidenceCheck? FirstFailure => Checks.FirstOrDefault(c => c.Status == EvidenceCheckStatus.Failed);

    public string? ChainId { get; init; }

    public string? Suite { get; init; }

    public string? GenesisSha256Hex { get; init; }

    public string? TxHashHex { get; init; }

    public string? TransactionType { get; init; }

    /// <summary>Human summary of what the transaction records (title, content hash, holder...).</summary>
    public IReadOnlyList<string> Subject { get; init; } = [];

    public string? SignerMemberId { get; init; }

    public string? SignerRole { get; init; }

    public string? SignerKeyIdHex { get; init; }

    public ulong? BlockHeight { get; init; }

    public uint? Position { get; init; }

    public long? BlockTimestampUnixMs { get; init; }

    public IReadOnlyList<string> AttestingNodeIds { get; init; } = [];
}
