using Ledger.Core.Crypto;

namespace Ledger.Core.Receipts;

/// <summary>
/// What a receipt's protected header says for each suite: the COSE algorithm (alg, label 1) of
/// the issuer's signature and the verifiable data structure (vds, label 395) of the proof.
/// <list type="bullet">
/// <item>p256-sha256: alg ES256 (-7), vds RFC9162_SHA256 (1), both IANA-registered.</item>
/// <item>sm2-sm3: SM2 has no IANA COSE algorithm and RFC 9162 trees have no SM3 vds, so both use
/// values from the private-use ranges (below -65536; RFC 9052 §16.4 for algorithms, RFC 9942 for
/// vds): alg <see cref="Sm2Sm3Algorithm"/> = SM2 (GM/T 0003.2) with SM3 and the GM/T 0009 default
/// user id "1234567812345678" over the COSE Sig_structure, signature r || s (64 bytes, as ES256's);
/// vds <see cref="Rfc9162Sm3"/> = an RFC 9162 tree with SM3 in place of SHA-256. Only verifiers that
/// know these values (Ledger) accept such receipts; others must refuse the unknown alg.</item>
/// <item>ed25519: no receipts (EdDSA receipts are not implemented); evidence bundles instead.</item>
/// </list>
/// docs/cose-receipts.md documents the same values.
/// </summary>
internal sealed record CoseReceiptProfile(string SuiteName, int Algorithm, int VerifiableDataStructure)
{
    /// <summary>Private use: SM2 with SM3 and the default user id (no IANA COSE algorithm exists).</summary>
    public const int Sm2Sm3Algorithm = -65538;

    /// <summary>Private use: RFC 9162 Merkle tree with SM3 (no IANA vds value exists).</summary>
    public const int Rfc9162Sm3 = -65539;

    public static readonly CoseReceiptProfile P256Sha256 = new(CryptoSuites.P256Sha256Name, CoseReceipts.Es256, CoseReceipts.Rfc9162Sha256);

    public static readonly CoseReceiptProfile Sm2Sm3 = new(CryptoSuites.Sm2Sm3Name, Sm2Sm3Algorithm, Rfc9162Sm3);

    /// <summary>The profile of a suite that can issue receipts; throws <see cref="CoseReceiptException"/> for one that cannot.</summary>
    public static CoseReceiptProfile For(ICryptoSuite suite) => suite.Name switch
    {
        CryptoSuites.P256Sha256Name => P256Sha256,
        CryptoSuites.Sm2Sm3Name => Sm2Sm3,
        _ => throw new CoseReceiptException($"COSE receipts need a p256-sha256 (ES256) or sm2-sm3 (private-use alg {Sm2Sm3Algorithm}) consortium; suite {suite.Name} cannot be expressed (EdDSA receipts are not implemented)"),
    };

    /// <summary>True when alg and vds are one of the profiles' pairs (checked before the node set, hence the suite, is known).</summary>
    public static bool IsKnownPair(int algorithm, int verifiableDataStructure) =>
        (algorithm == P256Sha256.Algorithm && verifiableDataStructure == P256Sha256.VerifiableDataStructure)
        || (algorithm == Sm2Sm3.Algorithm && verifiableDataStructure == Sm2Sm3.VerifiableDataStructure);
}
