using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Ledger.Core.Crypto;

/// <summary>SM2 through BouncyCastle's <see cref="SM2Signer"/>: the fallback where the system's OpenSSL lacks SM2, and the reference the OpenSSL path is checked against.</summary>
internal sealed class Sm2BouncyCastleBackend : Sm2Backend
{
    public static readonly Sm2BouncyCastleBackend Instance = new();

    // CustomNamedCurves gives BouncyCastle's specialised sm2p256v1 arithmetic; GMNamedCurves would give
    // the generic BigInteger curve, about three times slower and ten times more allocation per verify.
    public static readonly ECDomainParameters Domain = new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, CustomNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1));

    // SecureRandom serializes access internally, so one shared instance is thread-safe.
    private static readonly SecureRandom SigningRandom = new();

    private Sm2BouncyCastleBackend()
    {
    }

    public override string Name => Sm2Sm3Backends.BouncyCastle;

    /// <summary>BouncyCastle's parameters for an encoded point; throws <see cref="InvalidKeyException"/> for anything but a finite point of sm2p256v1.</summary>
    public static ECPublicKeyParameters DecodePoint(ReadOnlySpan<byte> encodedPublicKey)
    {
        Org.BouncyCastle.Math.EC.ECPoint point;
        try
        {
            point = Domain.Curve.DecodePoint(encodedPublicKey.ToArray());
        }
        catch (ArgumentException exception)
        {
            throw new InvalidKeyException(Sm2Sm3Suite.SuiteName, "public key is not a point on sm2p256v1", exception);
        }

        if (point.IsInfinity || !point.IsValid())
        {
            throw new InvalidKeyException(Sm2Sm3Suite.SuiteName, "public key is not a valid point on sm2p256v1");
        }

        return new ECPublicKeyParameters("EC", point, Domain);
    }

    /// <summary>A <see cref="Sm2BouncyCastleVerifyingKey"/>: Z_A computed once per key, and from its second verification a comb table in the process-wide <see cref="Sm2CombTableCache.Shared"/>.</summary>
    public override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey) => new Sm2BouncyCastleVerifyingKey(DecodePoint(encodedPublicKey));

    public override object CreatePrivateKey(ReadOnlySpan<byte> privateScalar, ReadOnlySpan<byte> encodedPublicKey) =>
        new ECPrivateKeyParameters("EC", new BigInteger(1, privateScalar), Domain);

    public override void Sign(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        // SM2Signer expects the id outermost: ParametersWithID(ParametersWithRandom(key)).
        signer.Init(true, new ParametersWithID(new ParametersWithRandom((ECPrivateKeyParameters)privateHandle, SigningRandom), Sm2Sm3Suite.DefaultUserId));
        signer.BlockUpdate(message);
        signer.GenerateSignature().CopyTo(signature);
    }

    public override bool Verify(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        ((Sm2BouncyCastleVerifyingKey)publicHandle).Verify(message, signature);

    /// <summary>Verification through BouncyCastle's own <see cref="SM2Signer"/>, a new signer per call (Z_A per call; BouncyCastle's default multiplier, which keeps its tables on the point object): the reference <see cref="Sm2BouncyCastleVerifyingKey"/> is checked against.</summary>
    public static bool VerifyWithSigner(ECPublicKeyParameters publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(false, new ParametersWithID(publicKey, Sm2Sm3Suite.DefaultUserId));
        signer.BlockUpdate(message);
        return signer.VerifySignature(signature.ToArray());
    }
}
