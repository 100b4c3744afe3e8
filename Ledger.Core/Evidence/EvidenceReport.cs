using System.Globalization;
using Ledger.Core.Blocks;

namespace Ledger.Core.Evidence;

/// <summary>The outcome of verifying one bundle: each check, the verdict, plus the facts a reader needs.</summary>
public sealed class EvidenceReport
{
    public required IReadOnlyList<EvidenceCheck> Checks { get; init; }

    /// <summary>True when no check failed (a not-anchored or rejected bundle can still have no failed check).</summary>
    public bool NoCheckFailed => Checks.All(c => c.Status != EvidenceCheckStatus.Failed);

    public EvidenceCheck? FirstFailure => Checks.FirstOrDefault(c => c.Status == EvidenceCheckStatus.Failed);

    /// <summary>True when the verifier was given a trusted genesis (file or fingerprint) and the bundle's genesis matched it.</summary>
    public bool Anchored => Checks.Count > 0 && Checks.All(c => c.Status != EvidenceCheckStatus.NotAnchored);

    /// <summary>See <see cref="EvidenceVerdict"/> for the precedence.</summary>
    public EvidenceVerdict Verdict =>
        !NoCheckFailed ? EvidenceVerdict.Invalid
        : !Anchored ? EvidenceVerdict.NotAnchored
        : Decision switch
        {
            LedgerDecision.Accepted => EvidenceVerdict.Valid,
            LedgerDecision.Rejected => EvidenceVerdict.Rejected,
            _ => EvidenceVerdict.Invalid,
        };

    /// <summary>What the ledger decided for the transaction, or for the batch item when the bundle is for one; null when not proven.</summary>
    public LedgerDecision? Decision { get; init; }

    /// <summary>The recorded reason of a rejection ("DuplicateContentHash: ..."); null when accepted.</summary>
    public string? RejectionReason { get; init; }

    /// <summary>The batch item the bundle is evidence for; null for a whole transaction.</summary>
    public uint? BatchItemIndex { get; init; }

    /// <summary>The earlier registration a rejection refers to, when the bundle carries it and it verified.</summary>
    public PriorRegistrationReport? Prior { get; init; }

    /// <summary>The verified checkpoint the bundle carries (which nodes signed it, which witnesses cosigned it); null when none.</summary>
    public CheckpointReport? Checkpoint { get; init; }

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

    /// <summary>The report's last line, in words a court clerk reads: the verdict and why.</summary>
    public string Conclusion => Verdict switch
    {
        EvidenceVerdict.Valid => $"VALID — every check passed: the ledger accepted this {Noun}.",
        EvidenceVerdict.Rejected => $"REJECTED — {RefusalSentence()}",
        EvidenceVerdict.NotAnchored =>
            "NOT ANCHORED — no trusted genesis was given, so nothing ties this bundle to the real consortium: anyone can create a consortium of their own and sign a bundle like this one. "
            + $"The checks above hold only against the bundle's own genesis (sha256 {GenesisSha256Hex ?? "?"}). "
            + "To verify, run again with --genesis FILE or --genesis-sha256 HEX taken from the consortium's published genesis.",
        _ => $"INVALID — {FirstFailure?.Name ?? "the ledger's decision"} failed{(FirstFailure is null ? "" : $": {FirstFailure.Detail}")}",
    };

    /// <summary>The Unix milliseconds a date can be printed for (years 0001–9999).</summary>
    public const long UnixMillisecondsMin = -62_135_596_800_000;

    public const long UnixMillisecondsMax = 253_402_300_799_999;

    /// <summary>"2026-01-05 09:00:00.000 UTC"; a time outside the printable years (only a hostile bundle has one) is said in words, never thrown.</summary>
    public static string FormatUtc(long unixMs) => unixMs is < UnixMillisecondsMin or > UnixMillisecondsMax
        ? $"(time {unixMs} ms from 1970 is outside the years 0001-9999)"
        : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    /// <summary><see cref="FormatUtc"/> of Unix seconds (a cosignature's timestamp), without overflow.</summary>
    public static string FormatUtcSeconds(ulong unixSeconds) => unixSeconds > UnixMillisecondsMax / 1000
        ? $"(time {unixSeconds} s from 1970 is outside the years 0001-9999)"
        : FormatUtc((long)unixSeconds * 1000);

    private string Noun => BatchItemIndex is { } item ? $"batch item (#{item})"
        : TransactionType is "RegisterWork" or "BatchRegister" ? "registration" : "transaction";

    private string RefusalSentence()
    {
        if (Prior is { } prior)
        {
            var when = prior.BlockTimestampUnixMs is { } ms ? $" at {FormatUtc(ms)}" : "";
            var item = prior.BatchItemIndex is { } index ? $", batch item #{index}" : "";
            return $"the ledger refused this {Noun}: the same content was registered earlier by member '{prior.SignerMemberId}' in block {prior.BlockHeight}{when} (tx {prior.TxHashHex}{item}); both are proven below.";
        }

        return $"the ledger refused this {Noun} ({RejectionReason}); the refusal is proven below, and nothing was registered by it.";
    }
}

/// <summary>The verified facts of the earlier registration a rejection names.</summary>
public sealed class PriorRegistrationReport
{
    public required string TxHashHex { get; init; }

    public uint? BatchItemIndex { get; init; }

    public required string SignerMemberId { get; init; }

    public string? SignerRole { get; init; }

    public required ulong BlockHeight { get; init; }

    public required uint Position { get; init; }

    public long? BlockTimestampUnixMs { get; init; }

    public IReadOnlyList<string> AttestingNodeIds { get; init; } = [];

    public IReadOnlyList<string> Subject { get; init; } = [];
}
