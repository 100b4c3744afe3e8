namespace Ledger.Core.Evidence;

/// <summary>What the verifier is told from outside the bundle.</summary>
public sealed class EvidenceVerificationOptions
{
    /// <summary>
    /// SHA-256 of the genesis document the verifier trusts (from the consortium's publication or a
    /// copy the court holds). Without it nothing ties the bundle's genesis to the real consortium:
    /// the checks run against the bundle's own genesis and the verdict is at best
    /// <see cref="EvidenceVerdict.NotAnchored"/>, never VALID.
    /// </summary>
    public byte[]? TrustedGenesisSha256 { get; init; }

    /// <summary>Digests of a content file to compare with the registered content hash (the caller hashes the file).</summary>
    public ContentDigest? Content { get; init; }
}

/// <summary>SHA-256 (always) and SM3 (when the consortium runs sm2-sm3) of a content file.</summary>
public sealed record ContentDigest(byte[] Sha256, byte[]? Sm3);
