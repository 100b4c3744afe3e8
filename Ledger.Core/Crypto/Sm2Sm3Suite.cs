using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using Org.BouncyCastle.X509;

namespace Ledger.Core.Crypto;

/// <summary>
/// SM2 signatures (GM/T 0003.2-2012, GB/T 32918.2-2016) on the recommended curve sm2p256v1 with SM3,
/// through BouncyCastle. The signer identity in Z_A is the GM/T 0009-2012 default user id
/// "1234567812345678" (<see cref="DefaultUserId"/>).
/// </summary>
/// <remarks>
/// Signature encoding is fixed-size r || s, 32 bytes each, big-endian (not the GM/T 0009 DER
/// SEQUENCE { r INTEGER, s INTEGER }); converting to DER for other tools is lossless. Public key:
/// uncompressed point 0x04 || X || Y (65 bytes). Private key: the 32-byte big-endian scalar d, with
/// 1 &lt;= d &lt;= n-2 as SM2 requires (signing uses (1 + d)^-1).
/// </remarks>
internal sealed class Sm2Sm3Suite : CryptoSuiteBase
{
    public const string SuiteName = "sm2-sm3";

    private const int EncodedPublicKeySizeBytes = 1 + (2 * ScalarSizeBytes);
    private const byte UncompressedPointTag = 0x04;

    // CustomNamedCurves gives BouncyCastle's specialised sm2p256v1 arithmetic; GMNamedCurves would give
    // the generic BigInteger curve, about three times slower and ten times more allocation per verify.
    private static readonly ECDomainParameters Domain = new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, CustomNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1));

    // SecureRandom serializes access internally, so one shared instance is thread-safe.
    private static readonly SecureRandom SigningRandom = new();

    private static readonly BigInteger PrivateScalarMax = Domain.N.Subtract(BigInteger.Two);

    /// <summary>GM/T 0009-2012 §10 default signer id, ASCII "1234567812345678".</summary>
    public static ReadOnlySpan<byte> DefaultUserId => "1234567812345678"u8;

    public override string Name => SuiteName;

    public override IHashAlgorithm Hash => Sm3HashAlgorithm.Instance;

    public override int PublicKeySizeBytes => EncodedPublicKeySizeBytes;

    internal override byte[] ExportPrivateKey(PrivateKey privateKey) =>
        BigIntegers.AsUnsignedByteArray(ScalarSizeBytes, ((ECPrivateKeyParameters)privateKey.Handle).D);

    internal override byte[] ExportPkcs8PrivateKey(PrivateKey privateKey) =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo((ECPrivateKeyParameters)privateKey.Handle).GetEncoded();

    internal override byte[] ExportSubjectPublicKeyInfo(PublicKey publicKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo((ECPublicKeyParameters)publicKey.Handle).GetEncoded();

    protected override byte[] GeneratePrivateKeyBytes()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Domain, SigningRandom));
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

        var privateParameters = new ECPrivateKeyParameters("EC", d, Domain);
        var point = new FixedPointCombMultiplier().Multiply(Domain.G, d).Normalize();
        var encoded = point.GetEncoded(compressed: false);
        return (privateParameters, encoded, ParsePublicKey(encoded));
    }

    protected override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey)
    {
        if (encodedPublicKey[0] != UncompressedPointTag)
        {
            throw new InvalidKeyException(Name, $"public key must be an uncompressed point (tag 0x04), tag was 0x{encodedPublicKey[0]:x2}");
        }

        Org.BouncyCastle.Math.EC.ECPoint point;
        try
        {
            point = Domain.Curve.DecodePoint(encodedPublicKey.ToArray());
        }
        catch (ArgumentException exception)
        {
            throw new InvalidKeyException(Name, "public key is not a point on sm2p256v1", exception);
        }

        if (point.IsInfinity || !point.IsValid())
        {
            throw new InvalidKeyException(Name, "public key is not a valid point on sm2p256v1");
        }

        return new ECPublicKeyParameters("EC", point, Domain);
    }

    protected override void SignCore(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        // SM2Signer expects the id outermost: ParametersWithID(ParametersWithRandom(key)).
        signer.Init(true, new ParametersWithID(new ParametersWithRandom((ECPrivateKeyParameters)privateHandle, SigningRandom), DefaultUserId));
        signer.BlockUpdate(message);
        signer.GenerateSignature().CopyTo(signature);
    }

    protected override bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        // SM2Signer keeps per-message state, so each call gets its own; the parsed point is shared.
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(false, new ParametersWithID((ECPublicKeyParameters)publicHandle, DefaultUserId));
        signer.BlockUpdate(message);
        return signer.VerifySignature(signature.ToArray());
    }
}
