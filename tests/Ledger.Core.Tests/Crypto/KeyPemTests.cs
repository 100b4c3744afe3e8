using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Crypto;

public sealed class KeyPemTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    // RFC 8410 §10.3 example private key and §10.1 example public key (the same key pair).
    private const string Rfc8410PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
    private const string Rfc8410PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";

    [TestCaseSource(nameof(Suites))]
    public void ExportThenImportPrivateKey_RoundTripsKeyId(ICryptoSuite suite)
    {
        var keyPair = suite.GenerateKeyPair();

        var pem = KeyPem.ExportPrivateKey(keyPair);
        var imported = KeyPem.ImportPrivateKey(pem);

        Assert.That(pem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        Assert.That(imported.Suite, Is.SameAs(suite));
        Assert.That(imported.KeyId, Is.EqualTo(keyPair.KeyId));
        Assert.That(keyPair.Public.Verify("m"u8, imported.Sign("m"u8)), Is.True);
    }

    [TestCaseSource(nameof(Suites))]
    public void ExportThenImportPublicKey_RoundTripsKeyId(ICryptoSuite suite)
    {
        var keyPair = suite.GenerateKeyPair();

        var pem = KeyPem.ExportPublicKey(keyPair.Public);
        var imported = KeyPem.ImportPublicKey(pem);

        Assert.That(pem, Does.StartWith("-----BEGIN PUBLIC KEY-----"));
        Assert.That(imported.Suite, Is.SameAs(suite));
        Assert.That(imported.KeyId, Is.EqualTo(keyPair.KeyId));
    }

    [Test]
    public void ImportPrivateKey_Rfc8410Example_GivesPublishedSeedAndPublicKey()
    {
        var keyPair = KeyPem.ImportPrivateKey(Rfc8410PrivateKeyPem);
        var publicKey = KeyPem.ImportPublicKey(Rfc8410PublicKeyPem);

        Assert.That(keyPair.Suite, Is.SameAs(CryptoSuites.Ed25519));
        Assert.That(KeyFile.Export(keyPair), Does.Contain(Convert.ToBase64String(Hex.Decode("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"))));
        Assert.That(Hex.Encode(publicKey.Encoded), Is.EqualTo("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"));
        Assert.That(keyPair.KeyId, Is.EqualTo(publicKey.KeyId));
    }

    [Test]
    public void ImportPrivateKey_PlatformP256Pkcs8_IsReadAsP256Sha256()
    {
        using var platformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = platformKey.ExportPkcs8PrivateKeyPem();

        var imported = KeyPem.ImportPrivateKey(pem);

        var point = platformKey.ExportParameters(false).Q;
        Assert.That(imported.Suite, Is.SameAs(CryptoSuites.P256Sha256));
        Assert.That(imported.Public.Encoded.ToArray(), Is.EqualTo((byte[])[0x04, .. point.X!, .. point.Y!]));
    }

    [Test]
    public void ImportPrivateKey_UnsupportedCurve_ThrowsKeyFileFormat()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.That(() => KeyPem.ImportPrivateKey(p384.ExportPkcs8PrivateKeyPem()), Throws.TypeOf<KeyFileFormatException>().With.Message.Contains("curve"));
    }

    [Test]
    public void ImportPrivateKey_PublicKeyPem_ThrowsKeyFileFormat()
    {
        Assert.That(() => KeyPem.ImportPrivateKey(Rfc8410PublicKeyPem), Throws.TypeOf<KeyFileFormatException>());
    }

    [TestCase("")]
    [TestCase("not a pem")]
    [TestCase("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    [TestCase("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n")]
    public void ImportPrivateKey_Malformed_ThrowsKeyFileFormat(string pem)
    {
        Assert.That(() => KeyPem.ImportPrivateKey(pem), Throws.TypeOf<KeyFileFormatException>());
    }

    [TestCase("")]
    [TestCase("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")]
    public void ImportPublicKey_Malformed_ThrowsKeyFileFormat(string pem)
    {
        Assert.That(() => KeyPem.ImportPublicKey(pem), Throws.TypeOf<KeyFileFormatException>());
    }
}
