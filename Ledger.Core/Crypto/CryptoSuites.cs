using System.Diagnostics.CodeAnalysis;

namespace Ledger.Core.Crypto;

/// <summary>The registry of supported suites, looked up by their stable names.</summary>
public static class CryptoSuites
{
    /// <summary>
    /// "p256-sha256", the default: ECDSA over NIST P-256 with SHA-256 (.NET platform crypto). Public key:
    /// uncompressed SEC1 point 0x04 || X || Y (65 bytes). Signature: IEEE P1363 r || s (64 bytes), low s only
    /// (s &lt;= n/2: signing normalises, verification rejects the malleated high-s twin).
    /// Private key: 32-byte big-endian scalar. Chain hash: SHA-256.
    /// </summary>
    public static readonly ICryptoSuite P256Sha256 = new P256Sha256Suite();

    /// <summary>
    /// "ed25519": pure Ed25519 per RFC 8032 (BouncyCastle). Public key: 32-byte RFC 8032 encoding (small-order
    /// keys rejected). Signature: R || S (64 bytes). Private key: 32-byte seed. Chain hash: SHA-256.
    /// </summary>
    public static readonly ICryptoSuite Ed25519 = new Ed25519Suite();

    /// <summary>
    /// "sm2-sm3": SM2 signatures (GM/T 0003.2) on sm2p256v1 with SM3, signer id "1234567812345678"
    /// (GM/T 0009 default), via BouncyCastle or the system's OpenSSL 3 (<see cref="Sm2Sm3Backends"/>). Public key: uncompressed point 0x04 || X || Y (65 bytes).
    /// Signature: fixed-size r || s (64 bytes), not DER. Private key: 32-byte big-endian scalar in [1, n-2].
    /// Chain hash: SM3.
    /// </summary>
    public static readonly ICryptoSuite Sm2Sm3 = new Sm2Sm3Suite();

    public const string P256Sha256Name = P256Sha256Suite.SuiteName;

    public const string Ed25519Name = Ed25519Suite.SuiteName;

    public const string Sm2Sm3Name = Sm2Sm3Suite.SuiteName;

    public static IReadOnlyList<ICryptoSuite> All { get; } = [P256Sha256, Ed25519, Sm2Sm3];

    public static IReadOnlyList<string> Names { get; } = [P256Sha256Name, Ed25519Name, Sm2Sm3Name];

    /// <summary>The suite with this exact (case-sensitive) name; throws <see cref="UnknownSuiteException"/>.</summary>
    public static ICryptoSuite Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out var suite) ? suite : throw new UnknownSuiteException(name);
    }

    public static bool TryGet(string? name, [NotNullWhen(true)] out ICryptoSuite? suite)
    {
        suite = name switch
        {
            P256Sha256Name => P256Sha256,
            Ed25519Name => Ed25519,
            Sm2Sm3Name => Sm2Sm3,
            _ => null,
        };
        return suite is not null;
    }
}
