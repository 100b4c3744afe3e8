using Ledger.Core.Hashing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Security;

namespace Ledger.Core.Crypto;

/// <summary>
/// Which implementation the <c>sm2-sm3</c> suite runs on. The system's OpenSSL 3 is probed once per
/// process (first use of the suite): it is used when libcrypto.so.3 loads, offers SM2 and SM3, and
/// its signatures cross-verify with BouncyCastle's on a fixed key (both directions, a tampered one
/// refused, the GM/T 0003.5 published signature accepted). Otherwise BouncyCastle. Both make the
/// same decision for every input; only speed differs. Hosts log <see cref="SignatureBackend"/> and
/// <see cref="HashBackend"/> at start-up; benchmarks report them.
/// </summary>
public static class Sm2Sm3Backends
{
    public const string OpenSsl = "openssl";

    public const string BouncyCastle = "bouncycastle";

    private static readonly Lazy<Sm2Backend> PreferredBackend = new(Probe);

    /// <summary>"openssl" or "bouncycastle": what <see cref="CryptoSuites.Sm2Sm3"/> signs and verifies with.</summary>
    public static string SignatureBackend => Preferred.Name;

    /// <summary>"openssl" or "bouncycastle": what <see cref="Sm3HashAlgorithm.Instance"/> hashes with.</summary>
    public static string HashBackend => Sm3HashAlgorithm.Instance.Backend;

    /// <summary>The backends usable in this process, BouncyCastle always among them.</summary>
    public static IReadOnlyList<string> Available => Preferred.Name == OpenSsl ? [OpenSsl, BouncyCastle] : [BouncyCastle];

    internal static Sm2Backend Preferred => PreferredBackend.Value;

    /// <summary>
    /// An <c>sm2-sm3</c> suite pinned to one backend (SM2 and SM3 alike), for benchmarks and
    /// cross-checks. Keys belong to the suite instance that made them. Chains use <see cref="CryptoSuites.Sm2Sm3"/>.
    /// </summary>
    public static ICryptoSuite CreateSuite(string backend) => backend switch
    {
        OpenSsl when Preferred.Name == OpenSsl => new Sm2Sm3Suite(Preferred, Sm3HashAlgorithm.OpenSsl),
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

    private static Sm2Backend Probe()
    {
        var openSsl = Sm2OpenSslBackend.TryCreate();
        return openSsl is not null && OpenSslSm3.IsAvailable && AgreesWithBouncyCastle(openSsl) ? openSsl : Sm2BouncyCastleBackend.Instance;
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
            var bouncyCastleAccepts = Sm2BouncyCastleBackend.Instance.Verify(publicParameters, message, signature);

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
