using System.Text.Json.Nodes;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Crypto;

public sealed class KeyFileTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    [TestCaseSource(nameof(Suites))]
    public void ExportThenImport_RoundTripsKeyAndKeyId(ICryptoSuite suite)
    {
        var keyPair = suite.GenerateKeyPair();

        var imported = KeyFile.Import(KeyFile.Export(keyPair));

        Assert.That(imported.Suite, Is.SameAs(suite));
        Assert.That(imported.KeyId, Is.EqualTo(keyPair.KeyId));
        Assert.That(keyPair.Public.Verify("m"u8, imported.Sign("m"u8)), Is.True);
    }

    [Test]
    public void Export_WritesTheDocumentedFields()
    {
        var privateKey = new byte[32];
        privateKey[31] = 7;
        var keyPair = CryptoSuites.Ed25519.ImportPrivateKey(privateKey);

        var json = JsonNode.Parse(KeyFile.Export(keyPair))!.AsObject();

        Assert.That(json.Select(property => property.Key), Is.EqualTo(new[] { "version", "suite", "key_id", "public_key", "private_key" }));
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(json["suite"]!.GetValue<string>(), Is.EqualTo("ed25519"));
        Assert.That(json["key_id"]!.GetValue<string>(), Is.EqualTo(keyPair.KeyId.ToHex()));
        Assert.That(json["public_key"]!.GetValue<string>(), Is.EqualTo(Convert.ToBase64String(keyPair.Public.Encoded)));
        Assert.That(json["private_key"]!.GetValue<string>(), Is.EqualTo(Convert.ToBase64String(privateKey)));
    }

    [Test]
    public void Import_NotJson_ThrowsKeyFileFormat()
    {
        Assert.That(() => KeyFile.Import("{ not json"), Throws.TypeOf<KeyFileFormatException>());
    }

    [Test]
    public void Import_JsonArray_ThrowsKeyFileFormat()
    {
        Assert.That(() => KeyFile.Import("[]"), Throws.TypeOf<KeyFileFormatException>());
    }

    [TestCase("version")]
    [TestCase("suite")]
    [TestCase("key_id")]
    [TestCase("public_key")]
    [TestCase("private_key")]
    public void Import_MissingField_ThrowsKeyFileFormatNamingIt(string field)
    {
        var json = ValidFile();
        json.Remove(field);

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileFormatException>().With.Message.Contains(field));
    }

    [TestCase(0)]
    [TestCase(2)]
    public void Import_OtherVersion_ThrowsKeyFileFormat(int version)
    {
        var json = ValidFile();
        json["version"] = version;

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileFormatException>().With.Message.Contains("version"));
    }

    [Test]
    public void Import_VersionAsString_ThrowsKeyFileFormat()
    {
        var json = ValidFile();
        json["version"] = "1";

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileFormatException>());
    }

    [Test]
    public void Import_UnknownSuite_ThrowsUnknownSuite()
    {
        var json = ValidFile();
        json["suite"] = "rsa-2048";

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<UnknownSuiteException>());
    }

    [TestCase("public_key")]
    [TestCase("private_key")]
    public void Import_BadBase64_ThrowsKeyFileFormat(string field)
    {
        var json = ValidFile();
        json[field] = "@@not base64@@";

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileFormatException>().With.Message.Contains(field));
    }

    [Test]
    public void Import_BadKeyIdHex_ThrowsKeyFileFormat()
    {
        var json = ValidFile();
        json["key_id"] = "xyz";

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileFormatException>());
    }

    [Test]
    public void Import_PublicKeyOfAnotherKey_ThrowsMismatch()
    {
        var json = ValidFile();
        json["public_key"] = Convert.ToBase64String(CryptoSuites.P256Sha256.GenerateKeyPair().Public.Encoded);

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileMismatchException>().With.Message.Contains("public_key"));
    }

    [Test]
    public void Import_KeyIdOfAnotherKey_ThrowsMismatch()
    {
        var json = ValidFile();
        json["key_id"] = CryptoSuites.P256Sha256.GenerateKeyPair().KeyId.ToHex();

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileMismatchException>().With.Message.Contains("key_id"));
    }

    [Test]
    public void Import_SuiteChangedToAnotherSuite_ThrowsMismatchOrInvalidKey()
    {
        var json = ValidFile();
        json["suite"] = "sm2-sm3";

        // Same 32 private bytes are a valid SM2 scalar, but they derive a different public key.
        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<KeyFileMismatchException>());
    }

    [Test]
    public void Import_PrivateKeyOfWrongLength_ThrowsInvalidKey()
    {
        var json = ValidFile();
        json["private_key"] = Convert.ToBase64String(new byte[31]);

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.TypeOf<InvalidKeyException>());
    }

    [Test]
    public void Import_UnknownExtraProperty_IsIgnored()
    {
        var json = ValidFile();
        json["comment"] = "node-1 signing key";

        Assert.That(() => KeyFile.Import(json.ToJsonString()), Throws.Nothing);
    }

    [Test]
    public void Import_Null_ThrowsArgumentNull()
    {
        Assert.That(() => KeyFile.Import(null!), Throws.ArgumentNullException);
    }

    private static JsonObject ValidFile() => JsonNode.Parse(KeyFile.Export(CryptoSuites.P256Sha256.GenerateKeyPair()))!.AsObject();
}
