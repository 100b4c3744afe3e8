using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;

namespace Ledger.Core.Keys;

/// <summary>
/// PEM import/export interoperable with OpenSSL and GmSSL: private keys as unencrypted PKCS#8
/// ("-----BEGIN PRIVATE KEY-----"), public keys as X.509 SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----").
/// The suite is recognised from the algorithm identifier: id-ecPublicKey with prime256v1 (p256-sha256),
/// id-ecPublicKey with sm2p256v1 (sm2-sm3), id-Ed25519 (ed25519). Errors raise <see cref="KeyFileFormatException"/>.
/// </summary>
public static class KeyPem
{
    public const string PrivateKeyLabel = "PRIVATE KEY";
    public const string PublicKeyLabel = "PUBLIC KEY";

    public static string ExportPrivateKey(KeyPair keyPair)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        var der = SuiteOf(keyPair.Suite).ExportPkcs8PrivateKey(keyPair.Private);
        try
        {
            return new string(PemEncoding.Write(PrivateKeyLabel, der));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    public static string ExportPublicKey(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return new string(PemEncoding.Write(PublicKeyLabel, SuiteOf(publicKey.Suite).ExportSubjectPublicKeyInfo(publicKey)));
    }

    public static KeyPair ImportPrivateKey(string pem)
    {
        var der = ReadSingleBlock(pem, PrivateKeyLabel);
        try
        {
            PrivateKeyInfo info;
            try
            {
                info = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
            }
            catch (Exception exception) when (exception is ArgumentException or IOException or InvalidCastException)
            {
                throw new KeyFileFormatException("PRIVATE KEY block is not a PKCS#8 PrivateKeyInfo", exception);
            }

            var suite = IdentifySuite(info.PrivateKeyAlgorithm);
            var parameters = CreateBouncyCastleKey(() => PrivateKeyFactory.CreateKey(info));
            var raw = parameters switch
            {
                Ed25519PrivateKeyParameters ed25519 => ed25519.GetEncoded(),
                ECPrivateKeyParameters ec => ScalarBytes(ec.D),
                _ => throw new KeyFileFormatException($"unexpected private key type {parameters.GetType().Name}"),
            };
            try
            {
                return suite.ImportPrivateKey(raw);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    public static PublicKey ImportPublicKey(string pem)
    {
        var der = ReadSingleBlock(pem, PublicKeyLabel);
        SubjectPublicKeyInfo info;
        try
        {
            info = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(der));
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or InvalidCastException)
        {
            throw new KeyFileFormatException("PUBLIC KEY block is not an X.509 SubjectPublicKeyInfo", exception);
        }

        var suite = IdentifySuite(info.Algorithm);
        var parameters = CreateBouncyCastleKey(() => PublicKeyFactory.CreateKey(info));
        var encoded = parameters switch
        {
            Ed25519PublicKeyParameters ed25519 => ed25519.GetEncoded(),

            // Normalises a compressed point from another tool to the suite's uncompressed encoding.
            ECPublicKeyParameters ec => ec.Q.GetEncoded(compressed: false),
            _ => throw new KeyFileFormatException($"unexpected public key type {parameters.GetType().Name}"),
        };
        return suite.DecodePublicKey(encoded);
    }

    private static CryptoSuiteBase SuiteOf(ICryptoSuite suite) =>
        suite as CryptoSuiteBase ?? throw new ArgumentException($"suite {suite.Name} is not one of Ledger's built-in suites", nameof(suite));

    private static byte[] ReadSingleBlock(string pem, string expectedLabel)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new KeyFileFormatException($"no PEM block found; expected '-----BEGIN {expectedLabel}-----'");
        }

        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual(expectedLabel))
        {
            throw new KeyFileFormatException($"PEM block is '{label}', expected '{expectedLabel}' (encrypted or legacy EC keys are not supported; convert with 'openssl pkcs8 -topk8 -nocrypt')");
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written) || written != der.Length)
        {
            throw new KeyFileFormatException($"PEM block '{expectedLabel}' has malformed base64");
        }

        return der;
    }

    private static ICryptoSuite IdentifySuite(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Algorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
        {
            return CryptoSuites.Ed25519;
        }

        if (!algorithm.Algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
        {
            throw new KeyFileFormatException($"unsupported key algorithm {algorithm.Algorithm.Id}");
        }

        if (algorithm.Parameters is not DerObjectIdentifier curve)
        {
            throw new KeyFileFormatException("EC keys must name their curve (explicit curve parameters are not supported)");
        }

        if (curve.Equals(SecObjectIdentifiers.SecP256r1))
        {
            return CryptoSuites.P256Sha256;
        }

        if (curve.Equals(GMObjectIdentifiers.sm2p256v1))
        {
            return CryptoSuites.Sm2Sm3;
        }

        throw new KeyFileFormatException($"unsupported EC curve {curve.Id}");
    }

    private static Org.BouncyCastle.Crypto.AsymmetricKeyParameter CreateBouncyCastleKey(Func<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> create)
    {
        try
        {
            return create();
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or InvalidCastException or SecurityUtilityException or InvalidOperationException)
        {
            throw new KeyFileFormatException("key structure is malformed", exception);
        }
    }

    private static byte[] ScalarBytes(Org.BouncyCastle.Math.BigInteger d)
    {
        if (d.SignValue <= 0 || d.BitLength > 256)
        {
            throw new KeyFileFormatException("EC private scalar does not fit in 32 bytes");
        }

        return BigIntegers.AsUnsignedByteArray(32, d);
    }
}
