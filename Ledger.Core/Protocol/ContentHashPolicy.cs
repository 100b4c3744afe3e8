using Ledger.Core.Crypto;

namespace Ledger.Core.Protocol;

/// <summary>
/// Which content hashes a work must carry on a consortium of a given suite — the registry's rule
/// (Ledger.Registry BodyBounds) and the tools that check a registration before signing it both
/// ask here, so they cannot disagree.
/// <list type="bullet">
/// <item>Every suite: a work may carry both SHA-256 and SM3 (each exactly <see cref="HashBytes"/> bytes); at least one.</item>
/// <item>p256-sha256, ed25519: SHA-256 is required, SM3 optional.</item>
/// <item>sm2-sm3: SM3 is required, SHA-256 recommended (sent by the SDK and CLI) but optional.</item>
/// </list>
/// Duplicate detection is by either hash: a work whose SHA-256 or whose SM3 equals a registered
/// work's is a duplicate.
/// </summary>
public static class ContentHashPolicy
{
    /// <summary>Length of either content hash (SHA-256 and SM3 both give 32 bytes).</summary>
    public const int HashBytes = 32;

    public static bool RequiresSm3(string suite) => suite == CryptoSuites.Sm2Sm3Name;

    public static bool RequiresSha256(string suite) => !RequiresSm3(suite);

    /// <summary>
    /// Why a work with these hashes would be refused on a consortium of <paramref name="suite"/>
    /// (field name and the problem), or null when the hashes are acceptable. Never throws.
    /// </summary>
    public static ContentHashProblem? Check(string suite, ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> sm3)
    {
        if (sha256.IsEmpty && RequiresSha256(suite))
        {
            return new ContentHashProblem(ContentHashProblemKind.Missing, "content_hash.sha256", $"content_hash.sha256 is required under the {suite} suite");
        }

        if (sm3.IsEmpty && RequiresSm3(suite))
        {
            return new ContentHashProblem(ContentHashProblemKind.Missing, "content_hash.sm3", $"content_hash.sm3 is required under the {suite} suite");
        }

        if (!sha256.IsEmpty && sha256.Length != HashBytes)
        {
            return new ContentHashProblem(ContentHashProblemKind.WrongLength, "content_hash.sha256", $"content_hash.sha256 must be {HashBytes} bytes, was {sha256.Length}");
        }

        if (!sm3.IsEmpty && sm3.Length != HashBytes)
        {
            return new ContentHashProblem(ContentHashProblemKind.WrongLength, "content_hash.sm3", $"content_hash.sm3 must be {HashBytes} bytes, was {sm3.Length}");
        }

        return null;
    }
}

public enum ContentHashProblemKind
{
    Missing,
    WrongLength,
}

/// <summary>A content hash the rules would refuse: which field, and a bounded description.</summary>
public sealed record ContentHashProblem(ContentHashProblemKind Kind, string Field, string Message);
