using System.Security.Cryptography;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;

namespace Ledger.Core.Crypto;

/// <summary>
/// ECDSA over NIST P-256 with SHA-256 (FIPS 186-4) through .NET's platform implementation.
/// Signature: IEEE P1363 fixed-field r || s, 32 bytes each, big-endian, with s &lt;= n/2. Public key: uncompressed SEC1
/// point 0x04 || X || Y (65 bytes). Private key: the 32-byte big-endian scalar d.
/// </summary>
/// <remarks>
/// Signatures are non-malleable: ECDSA accepts both (r, s) and (r, n - s), which would give one signed
/// envelope two transaction hashes, so this suite signs with the low s (s &lt;= n/2, as Bitcoin's BIP 62
/// and Ethereum's EIP-2 do) and rejects high-s signatures on verification. Any standard ECDSA verifier
/// (OpenSSL, a court's tool) still accepts every signature this suite makes.
/// An <see cref="ECDsa"/> instance is parsed once per key and shared across threads. Sign and verify
/// on one instance are safe concurrently on every platform .NET ships: each call creates its own
/// native operation context and only reads the immutable key (OpenSSL EVP_PKEY, CNG key handle).
/// </remarks>
internal sealed class P256Sha256Suite : CryptoSuiteBase
{
    public const string SuiteName = "p256-sha256";

    private const int EncodedPublicKeySizeBytes = 1 + (2 * ScalarSizeBytes);
    private const byte UncompressedPointTag = 0x04;

    /// <summary>Order n of the P-256 base point, big-endian.</summary>
    private static ReadOnlySpan<byte> Order => [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>floor(n / 2), big-endian: the largest s a signature may carry.</summary>
    private static ReadOnlySpan<byte> HalfOrder => [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
    ];

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

        var s = signature[ScalarSizeBytes..];
        if (s.SequenceCompareTo(HalfOrder) > 0)
        {
            SubtractFromOrder(s);
        }
    }

    protected override bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        IsLowS(signature)
        && ((ECDsa)publicHandle).VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>True when the signature's s is at most n/2 (the only form this suite accepts).</summary>
    private static bool IsLowS(ReadOnlySpan<byte> signature) => signature[ScalarSizeBytes..].SequenceCompareTo(HalfOrder) <= 0;

    /// <summary>value := n - value, for a 32-byte big-endian value in [1, n-1].</summary>
    private static void SubtractFromOrder(Span<byte> value)
    {
        var borrow = 0;
        for (var index = ScalarSizeBytes - 1; index >= 0; index--)
        {
            var difference = Order[index] - value[index] - borrow;
            borrow = difference < 0 ? 1 : 0;
            value[index] = (byte)difference;
        }
    }
}
