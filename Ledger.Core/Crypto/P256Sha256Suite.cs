using System.Security.Cryptography;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;

namespace Ledger.Core.Crypto;

/// <summary>
/// ECDSA over NIST P-256 with SHA-256 (FIPS 186-4) through .NET's platform implementation.
/// Signature: IEEE P1363 fixed-field r || s, 32 bytes each, big-endian. Public key: uncompressed SEC1
/// point 0x04 || X || Y (65 bytes). Private key: the 32-byte big-endian scalar d.
/// </summary>
/// <remarks>
/// An <see cref="ECDsa"/> instance is parsed once per key and shared across threads. Sign and verify
/// on one instance are safe concurrently on every platform .NET ships: each call creates its own
/// native operation context and only reads the immutable key (OpenSSL EVP_PKEY, CNG key handle).
/// </remarks>
internal sealed class P256Sha256Suite : CryptoSuiteBase
{
    public const string SuiteName = "p256-sha256";

    private const int EncodedPublicKeySizeBytes = 1 + (2 * ScalarSizeBytes);
    private const byte UncompressedPointTag = 0x04;

    public override string Name => SuiteName;

    public override IHashAlgorithm Hash => Sha256HashAlgorithm.Instance;

    public override int PublicKeySizeBytes => EncodedPublicKeySizeBytes;

    internal override byte[] ExportPrivateKey(PrivateKey privateKey) => ((ECDsa)privateKey.Handle).ExportParameters(includePrivateParameters: true).D!;

    internal override byte[] ExportPkcs8PrivateKey(PrivateKey privateKey) => ((ECDsa)privateKey.Handle).ExportPkcs8PrivateKey();

    internal override byte[] ExportSubjectPublicKeyInfo(PublicKey publicKey) => ((ECDsa)publicKey.Handle).ExportSubjectPublicKeyInfo();

    protected override byte[] GeneratePrivateKeyBytes()
    {
        using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return generated.ExportParameters(includePrivateParameters: true).D!;
    }

    protected override (object PrivateHandle, byte[] EncodedPublicKey, object PublicHandle) CreatePrivateKey(ReadOnlySpan<byte> privateKey)
    {
        var privateEcdsa = ECDsa.Create();
        var scalar = privateKey.ToArray();
        try
        {
            // .NET derives Q from d and rejects d = 0 or d >= n.
            privateEcdsa.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
        }
        catch (CryptographicException exception)
        {
            privateEcdsa.Dispose();
            throw new InvalidKeyException(Name, "private scalar is not in [1, n-1]", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }

        var point = privateEcdsa.ExportParameters(includePrivateParameters: false).Q;
        var encoded = new byte[EncodedPublicKeySizeBytes];
        encoded[0] = UncompressedPointTag;
        point.X!.CopyTo(encoded, 1);
        point.Y!.CopyTo(encoded, 1 + ScalarSizeBytes);
        return (privateEcdsa, encoded, ParsePublicKey(encoded));
    }

    protected override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey)
    {
        if (encodedPublicKey[0] != UncompressedPointTag)
        {
            throw new InvalidKeyException(Name, $"public key must be an uncompressed point (tag 0x04), tag was 0x{encodedPublicKey[0]:x2}");
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = encodedPublicKey.Slice(1, ScalarSizeBytes).ToArray(),
                Y = encodedPublicKey.Slice(1 + ScalarSizeBytes, ScalarSizeBytes).ToArray(),
            },
        };
        var publicEcdsa = ECDsa.Create();
        try
        {
            // Rejects points off the curve and the point at infinity.
            publicEcdsa.ImportParameters(parameters);
            return publicEcdsa;
        }
        catch (CryptographicException exception)
        {
            publicEcdsa.Dispose();
            throw new InvalidKeyException(Name, "public key is not a point on P-256", exception);
        }
    }

    protected override void SignCore(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var ecdsa = (ECDsa)privateHandle;
        if (!ecdsa.TrySignData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written)
            || written != FixedSignatureSizeBytes)
        {
            throw new CryptographicException($"P-256 signature had unexpected size {written}");
        }
    }

    protected override bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        ((ECDsa)publicHandle).VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
