using Ledger.Core.Hashing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Security;

namespace Ledger.Core.Crypto;

/// <summary>
/// Which implementation the <c>sm2-sm3</c> suite runs on. The system's OpenSSL 3 is probed once per
/// process (first use): it is usable when libcrypto.so.3 loads, offers SM2 and SM3, and its
/// signatures cross-verify with BouncyCastle's on a fixed key (both directions, a tampered one
/// refused, the GM/T 0003.5 published signature accepted). Both make the same decision for every
/// input (Sm2BackendCrossCheckTests); only speed differs, so each operation runs on the faster one:
/// SM3 on OpenSSL where usable (about 1.9x BouncyCastle), SM2 on BouncyCastle (see
/// <see cref="PreferOpenSslForSignatures"/>). Hosts log <see cref="SignatureBackend"/> and
/// <see cref="HashBackend"/>; benchmarks report them (<c>Ledger.Bench sm2</c> measures both backends).
/// </summary>
public static class Sm2Sm3Backends
{
    public const string OpenSsl = "openssl";

    public const string BouncyCastle = "bouncycastle";

    /// <summary>
    /// False: OpenSSL 3.0-3.x runs SM2 on its generic prime-curve code (no precomputed tables for the
    /// SM2 generator on x86-64), measured at 0.24x the BouncyCastle backend's verification rate on this
    /// project's machine (3,300 vs 13,500-13,800 per CPU-second, <c>Ledger.Bench sm2</c>, 2026-12-07);
    /// BouncyCastle's specialised sm2p256v1 field and the per-key comb tables (<see cref="Sm2CombTable"/>)
    /// win. Set true where the deployed libcrypto has fast SM2 (and the bench shows it).
    /// </summary>
    private static readonly bool PreferOpenSslForSignatures = false;

    private static readonly Lazy<Sm2OpenSslBackend?> OpenSslBackend = new(ProbeOpenSsl);

    /// <summary>"openssl" or "bouncycastle": what <see cref="CryptoSuites.Sm2Sm3"/> signs and verifies with.</summary>
    public static string SignatureBackend => Preferred.Name;

    /// <summary>"openssl" or "bouncycastle": what <see cref="Sm3HashAlgorithm.Instance"/> hashes with.</summary>
    public static string HashBackend => Sm3HashAlgorithm.Instance.Backend;

    /// <summary>
    /// How many SM2 public keys hold a comb table (BouncyCastle backend, process-wide): keys beyond it
    /// verify on BouncyCastle's own multiplier. Each table keeps about 86 KB (Ledger.Bench sm2 measures it).
    /// </summary>
    public static int CombTablesMax => Sm2CombTableCache.SharedEntriesMax;

    /// <summary>The backends usable in this process, BouncyCastle always among them.</summary>
    public static IReadOnlyList<string> Available => OpenSslBackend.Value is null ? [BouncyCastle] : [OpenSsl, BouncyCastle];

    internal static Sm2Backend Preferred =>
        PreferOpenSslForSignatures && OpenSslBackend.Value is { } openSsl ? openSsl : Sm2BouncyCastleBackend.Instance;

    /// <summary>
    /// An <c>sm2-sm3</c> suite pinned to one backend (SM2 and SM3 alike), for benchmarks and
    /// cross-checks. Keys belong to the suite instance that made them. Chains use <see cref="CryptoSuites.Sm2Sm3"/>.
    /// </summary>
    public static ICryptoSuite CreateSuite(string backend) => backend switch
    {
        OpenSsl when OpenSslBackend.Value is { } openSsl => new Sm2Sm3Suite(openSsl, Sm3HashAlgorithm.OpenSsl),
        BouncyCastle => new Sm2Sm3Suite(Sm2BouncyCastleBackend.Instance, Sm3HashAlgorithm.BouncyCastle),
        _ => throw new ArgumentException($"SM2 backend '{backend}' is not available here (available: {string.Join(", ", Available)})", nameof(backend)),
    };

    /// <summary>SM3 pinned to one backend, for benchmarks and cross-checks.</summary>
    public static IHashAlgorithm CreateSm3(string backend) => backend switch
    {
        OpenSsl => Sm3HashAlgorithm.OpenSsl,
        BouncyCastle => Sm3HashAlgorithm.BouncyCastle,
        _ => throw new ArgumentException($"SM3 backend '{backend}' is unknown", nameof(backend)),
    };

    /// <summary>Why OpenSSL is or is not usable for SM2, set by the probe.</summary>
    private static string openSslProbe = "not probed";

    /// <summary>
    /// One line for a host's start log: which implementation runs SM2 signatures and which SM3, and why
    /// (probes OpenSSL if nothing did yet).
    /// </summary>
    public static string Describe()
    {
        var openSsl = OpenSslBackend.Value;
        var signatureWhy = SignatureBackend == OpenSsl
            ? "OpenSSL preferred for signatures"
            : openSsl is null
                ? $"OpenSSL's SM2 is not usable: {openSslProbe}"
                : "faster than OpenSSL's SM2 here (OpenSSL 3 has no SM2-specific curve code; Ledger.Bench sm2 measures both)";
        var hashWhy = HashBackend == OpenSsl
            ? "OpenSSL's SM3 is usable and about 1.9x BouncyCastle's"
            : "OpenSSL's SM3 is not usable (libcrypto.so.3 without SM3, or not found)";
        return $"SM2 signatures on {SignatureBackend} ({signatureWhy}); SM3 on {HashBackend} ({hashWhy})";
    }

    private static Sm2OpenSslBackend? ProbeOpenSsl()
    {
        var openSsl = Sm2OpenSslBackend.TryCreate();
        openSslProbe = openSsl is null ? "libcrypto.so.3 not found or without SM2"
            : !OpenSslSm3.IsAvailable ? "libcrypto.so.3 has no SM3"
            : !AgreesWithBouncyCastle(openSsl) ? "its signatures did not cross-verify with BouncyCastle's on the published GM/T 0003.5 example"
            : "usable";
        return openSslProbe == "usable" ? openSsl : null;
    }

    private static bool AgreesWithBouncyCastle(Sm2OpenSslBackend openSsl)
    {
        try
        {
            var scalar = Sm2PublishedExample.PrivateKey;
            var privateParameters = new ECPrivateKeyParameters("EC", new Org.BouncyCastle.Math.BigInteger(1, scalar), Sm2BouncyCastleBackend.Domain);
            var publicParameters = Sm2BouncyCastleBackend.DecodePoint(Sm2PublishedExample.PublicKey);
            var openSslPrivate = openSsl.CreatePrivateKey(scalar, Sm2PublishedExample.PublicKey);
            var openSslPublic = openSsl.ParsePublicKey(Sm2PublishedExample.PublicKey);
            var message = Sm2PublishedExample.Message;

            // OpenSSL signs, BouncyCastle verifies.
            var signature = new byte[Sm2SignatureEncoding.FixedSizeBytes];
            openSsl.Sign(openSslPrivate, message, signature);
            var bouncyCastleAccepts = Sm2BouncyCastleBackend.VerifyWithSigner(publicParameters, message, signature);

            // BouncyCastle signs, OpenSSL verifies; and refuses it once one bit of s is flipped.
            var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
            signer.Init(true, new ParametersWithID(new ParametersWithRandom(privateParameters, new SecureRandom()), Sm2Sm3Suite.DefaultUserId));
            signer.BlockUpdate(message);
            var bouncyCastleSignature = signer.GenerateSignature();
            var openSslAccepts = openSsl.Verify(openSslPublic, message, bouncyCastleSignature);
            bouncyCastleSignature[^1] ^= 1;
            var openSslRefusesTampered = !openSsl.Verify(openSslPublic, message, bouncyCastleSignature);

            return bouncyCastleAccepts && openSslAccepts && openSslRefusesTampered
                && openSsl.Verify(openSslPublic, message, Sm2PublishedExample.Signature);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or System.Security.Cryptography.CryptographicException or InvalidKeyException)
        {
            return false;
        }
    }
}
