using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Crypto;

public sealed class KeyRedactionTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    [TestCaseSource(nameof(Suites))]
    public void ToString_PrivateKeyAndKeyPair_NeverContainPrivateMaterial(ICryptoSuite suite)
    {
        var privateBytes = new byte[32];
        privateBytes[31] = 0x2A;
        privateBytes[0] = 0x11;
        var keyPair = suite.ImportPrivateKey(privateBytes);
        string[] forbidden =
        [
            Convert.ToHexStringLower(privateBytes),
            Convert.ToHexString(privateBytes),
            Convert.ToBase64String(privateBytes),
            Convert.ToHexStringLower(privateBytes.AsSpan(0, 8)),
        ];

        foreach (var text in new[] { keyPair.ToString(), keyPair.Private.ToString(), $"{keyPair}", $"{keyPair.Private}" })
        {
            Assert.That(forbidden, Has.None.Matches<string>(secret => text.Contains(secret, StringComparison.OrdinalIgnoreCase)), text);
            Assert.That(text, Does.Contain(keyPair.KeyId.ToHex()));
            Assert.That(text, Does.Contain("redacted"));
        }
    }

    [Test]
    public void ToString_PublicKey_ShowsSuiteAndKeyId()
    {
        var keyPair = CryptoSuites.Ed25519.GenerateKeyPair();

        Assert.That(keyPair.Public.ToString(), Is.EqualTo($"PublicKey(ed25519, key_id={keyPair.KeyId.ToHex()})"));
    }
}
