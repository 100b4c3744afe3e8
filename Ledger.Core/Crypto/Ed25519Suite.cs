using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032;

namespace Ledger.Core.Crypto;

/// <summary>
/// Pure Ed25519 (RFC 8032 §5.1, no context, no prehash) through BouncyCastle. Signature: R || S,
/// 64 bytes. Public key: the 32-byte RFC 8032 encoding. Private key: the 32-byte seed. The chain hash
/// is SHA-256 (Ed25519's internal SHA-512 is not exposed).
/// </summary>
/// <remarks>
/// Public keys get full validation on decode (canonical encoding, on the curve, not of small order):
/// a small-order key can produce signatures that verify for many messages, which would let a signer
/// later disown a registration.
/// </remarks>
internal sealed class Ed25519Suite : CryptoSuiteBase
{
    public const string SuiteName = "ed25519";

    private static readonly SecureRandom KeyGenerationRandom = new();

    public override string Name => SuiteName;

    public override IHashAlgorithm Hash => Sha256HashAlgorithm.Instance;

    public override int PublicKeySizeBytes => Rfc8032.Ed25519.PublicKeySize;

    internal override byte[] ExportPrivateKey(PrivateKey privateKey) => ((Ed25519PrivateKeyParameters)privateKey.Handle).GetEncoded();

    internal override byte[] ExportPkcs8PrivateKey(PrivateKey privateKey) =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo((Ed25519PrivateKeyParameters)privateKey.Handle).GetEncoded();

    internal override byte[] ExportSubjectPublicKeyInfo(PublicKey publicKey) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo((Ed25519PublicKeyParameters)publicKey.Handle).GetEncoded();

    protected override byte[] GeneratePrivateKeyBytes() => new Ed25519PrivateKeyParameters(KeyGenerationRandom).GetEncoded();

    protected override (object PrivateHandle, byte[] EncodedPublicKey, object PublicHandle) CreatePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        // Every 32-byte seed is a valid Ed25519 private key.
        var privateParameters = new Ed25519PrivateKeyParameters(privateKey);
        var encoded = privateParameters.GeneratePublicKey().GetEncoded();
        return (privateParameters, encoded, ParsePublicKey(encoded));
    }

    protected override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey)
    {
        var point = Rfc8032.Ed25519.ValidatePublicKeyFullExport(encodedPublicKey)
            ?? throw new InvalidKeyException(Name, "public key is not a canonical encoding of a curve point of large prime order");
        return new Ed25519PublicKeyParameters(point);
    }

    protected override void SignCore(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature) =>
        ((Ed25519PrivateKeyParameters)privateHandle).Sign(Rfc8032.Ed25519.Algorithm.Ed25519, null, message, signature);

    protected override bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        ((Ed25519PublicKeyParameters)publicHandle).Verify(Rfc8032.Ed25519.Algorithm.Ed25519, null, message, signature);
}
