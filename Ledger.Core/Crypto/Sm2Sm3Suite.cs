using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using Org.BouncyCastle.X509;

namespace Ledger.Core.Crypto;

/// <summary>
/// SM2 signatures (GM/T 0003.2-2012, GB/T 32918.2-2016) on the recommended curve sm2p256v1 with SM3.
/// The signer identity in Z_A is the GM/T 0009-2012 default user id "1234567812345678"
/// (<see cref="DefaultUserId"/>). Computed by BouncyCastle or the system's OpenSSL 3, whichever
/// <see cref="Sm2Sm3Backends"/> prefers (SM3 on OpenSSL, SM2 on BouncyCastle today); the decisions are the same.
/// </summary>
/// <remarks>
/// Signature encoding is fixed-size r || s, 32 bytes each, big-endian (not the GM/T 0009 DER
/// SEQUENCE { r INTEGER, s INTEGER }); converting to DER for other tools is lossless. A signature
/// with r or s outside [1, n-1] is refused here, before either backend. SM2 has no low-s rule:
/// (r, n - s) is not a valid twin of (r, s) because s enters verification through t = r + s.
/// Public key: uncompressed point 0x04 || X || Y (65 bytes). Private key: the 32-byte big-endian
/// scalar d, with 1 &lt;= d &lt;= n-2 as SM2 requires (signing uses (1 + d)^-1).
/// </remarks>
internal sealed class Sm2Sm3Suite : CryptoSuiteBase
{
    public const string SuiteName = "sm2-sm3";

    private const int EncodedPublicKeySizeBytes = 1 + (2 * ScalarSizeBytes);
    private const byte UncompressedPointTag = 0x04;

    // SecureRandom serializes access internally, so one shared instance is thread-safe.
    private static readonly SecureRandom KeyGenerationRandom = new();

    private static readonly BigInteger PrivateScalarMax = Sm2BouncyCastleBackend.Domain.N.Subtract(BigInteger.Two);

    // Null on the default suite until first use, so a process that never touches SM2 never probes OpenSSL for it.
    private readonly Sm2Backend? pinnedBackend;
    private readonly Sm3HashAlgorithm? pinnedHash;
    private readonly Sm2PublicKeyCache publicKeys = new();

    /// <summary>The suite on the preferred backend (<see cref="CryptoSuites.Sm2Sm3"/>).</summary>
    public Sm2Sm3Suite()
    {
    }

    internal Sm2Sm3Suite(Sm2Backend backend, Sm3HashAlgorithm hash)
    {
        pinnedBackend = backend;
        pinnedHash = hash;
    }

    /// <summary>GM/T 0009-2012 §10 default signer id, ASCII "1234567812345678".</summary>
    public static ReadOnlySpan<byte> DefaultUserId => "1234567812345678"u8;

    public override string Name => SuiteName;

    public override IHashAlgorithm Hash => pinnedHash ?? Sm3HashAlgorithm.Instance;

    public override int PublicKeySizeBytes => EncodedPublicKeySizeBytes;

    /// <summary>"openssl" or "bouncycastle".</summary>
    internal string BackendName => Backend.Name;

    internal int CachedPublicKeyCount => publicKeys.Count;

    private Sm2Backend Backend => pinnedBackend ?? Sm2Sm3Backends.Preferred;

    internal override byte[] ExportPrivateKey(PrivateKey privateKey) =>
        BigIntegers.AsUnsignedByteArray(ScalarSizeBytes, ((Sm2PrivateKeyHandle)privateKey.Handle).Parameters.D);

    internal override byte[] ExportPkcs8PrivateKey(PrivateKey privateKey) =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo(((Sm2PrivateKeyHandle)privateKey.Handle).Parameters).GetEncoded();

    internal override byte[] ExportSubjectPublicKeyInfo(PublicKey publicKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Sm2BouncyCastleBackend.DecodePoint(publicKey.Encoded)).GetEncoded();

    protected override byte[] GeneratePrivateKeyBytes()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Sm2BouncyCastleBackend.Domain, KeyGenerationRandom));
        while (true)
        {
            var d = ((ECPrivateKeyParameters)generator.GenerateKeyPair().Private).D;
            if (d.CompareTo(PrivateScalarMax) <= 0)
            {
                return BigIntegers.AsUnsignedByteArray(ScalarSizeBytes, d);
            }
        }
    }

    protected override (object PrivateHandle, byte[] EncodedPublicKey, object PublicHandle) CreatePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        var d = new BigInteger(1, privateKey);
        if (d.SignValue <= 0 || d.CompareTo(PrivateScalarMax) > 0)
        {
            throw new InvalidKeyException(Name, "private scalar is not in [1, n-2]");
        }

        var parameters = new ECPrivateKeyParameters("EC", d, Sm2BouncyCastleBackend.Domain);
        var encoded = new FixedPointCombMultiplier().Multiply(Sm2BouncyCastleBackend.Domain.G, d).Normalize().GetEncoded(compressed: false);
        var handle = new Sm2PrivateKeyHandle(parameters, Backend.CreatePrivateKey(privateKey, encoded));
        return (handle, encoded, ParsePublicKey(encoded));
    }

    protected override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey)
    {
        if (encodedPublicKey[0] != UncompressedPointTag)
        {
            throw new InvalidKeyException(Name, $"public key must be an uncompressed point (tag 0x04), tag was 0x{encodedPublicKey[0]:x2}");
        }

        if (publicKeys.TryGet(encodedPublicKey, out var cached))
        {
            return cached;
        }

        var parsed = Backend.ParsePublicKey(encodedPublicKey);
        publicKeys.Add(encodedPublicKey, parsed);
        return parsed;
    }

    protected override void SignCore(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature) =>
        Backend.Sign(((Sm2PrivateKeyHandle)privateHandle).Backend, message, signature);

    protected override bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Sm2SignatureEncoding.HasScalarsInRange(signature) && Backend.Verify(publicHandle, message, signature);

    /// <summary>BouncyCastle's form of the scalar (for key export) beside the backend's signing handle.</summary>
    private sealed record Sm2PrivateKeyHandle(ECPrivateKeyParameters Parameters, object Backend);
}
