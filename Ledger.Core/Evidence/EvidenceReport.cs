using Ledger.Core.Blocks;

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

    /// <summary>
    /// The genesis clock bound in milliseconds (null without a readable genesis): a node attests a block
    /// only when the block's time is within this bound of its own clock as it applies the block, so each
    /// attesting node vouched for the time.
    /// </summary>
    public uint? BlockTimeSkewMilliseconds { get; init; }

    /// <summary>"time vouched for by node-1, node-3 within ±2 s"; null when no node validly attested or the bound is unknown.</summary>
    public string? TimeVouchedFor => AttestingNodeIds.Count == 0 || BlockTimeSkewMilliseconds is not { } skew
        ? null
        : $"time vouched for by {string.Join(", ", AttestingNodeIds)} within {BlockTimeBound.Describe(skew)}";
}
