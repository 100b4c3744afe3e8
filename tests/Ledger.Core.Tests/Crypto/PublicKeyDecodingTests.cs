using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// Every suite's decoder is the gate for keys a member or node can get recorded: it refuses whatever is
/// not a usable point (off the curve, the identity, small order, out-of-field coordinates, wrong tag or
/// length) and refuses it as "false" from TryDecodePublicKey, never with another exception.
/// </summary>
public sealed class PublicKeyDecodingTests
{
    public static IEnumerable<TestCaseData> UnusableKeys()
    {
        var p256 = CryptoSuites.P256Sha256.GenerateKeyPair().Public.ToArray();
        var sm2 = CryptoSuites.Sm2Sm3.GenerateKeyPair().Public.ToArray();
        yield return Case(CryptoSuites.P256Sha256, FlipLastBit(p256), "P-256 point off the curve");
        yield return Case(CryptoSuites.P256Sha256, [0x04, .. new byte[64]], "P-256 (0, 0)");
        yield return Case(CryptoSuites.P256Sha256, [0x04, .. Enumerable.Repeat((byte)0xFF, 64)], "P-256 coordinates beyond the field");
        yield return Case(CryptoSuites.P256Sha256, [0x02, .. p256[1..]], "P-256 compressed tag");
        yield return Case(CryptoSuites.P256Sha256, [0x00, .. new byte[64]], "P-256 tag 0x00");
        yield return Case(CryptoSuites.Ed25519, [0x01, .. new byte[31]], "Ed25519 identity");
        yield return Case(CryptoSuites.Ed25519, new byte[32], "Ed25519 point of order 4 (y = 0)");
        yield return Case(CryptoSuites.Ed25519, [0xEC, .. Enumerable.Repeat((byte)0xFF, 30), 0x7F], "Ed25519 order 2 point (y = -1)");
        yield return Case(CryptoSuites.Ed25519, [.. Enumerable.Repeat((byte)0xFF, 31), 0x7F], "Ed25519 non-canonical y");
        yield return Case(CryptoSuites.Sm2Sm3, FlipLastBit(sm2), "SM2 point off the curve");
        yield return Case(CryptoSuites.Sm2Sm3, [0x04, .. new byte[64]], "SM2 (0, 0)");
        yield return Case(CryptoSuites.Sm2Sm3, [0x04, .. Enumerable.Repeat((byte)0xFF, 64)], "SM2 coordinates beyond the field");
        yield return Case(CryptoSuites.Sm2Sm3, [0x00], "SM2 encoding of infinity, wrong length");
    }

    [TestCaseSource(nameof(UnusableKeys))]
    public void TryDecodePublicKey_AnUnusablePoint_ReturnsFalse(ICryptoSuite suite, byte[] encoded)
    {
        var decoded = suite.TryDecodePublicKey(encoded, out var key);

        Assert.That(decoded, Is.False);
        Assert.That(key, Is.Null);
    }

    [TestCaseSource(nameof(UnusableKeys))]
    public void DecodePublicKey_AnUnusablePoint_ThrowsInvalidKeyOnly(ICryptoSuite suite, byte[] encoded) =>
        Assert.That(() => suite.DecodePublicKey(encoded), Throws.TypeOf<InvalidKeyException>());

    [Test]
    public void TryDecodePublicKey_RandomBytesOfEveryLength_NeverThrows()
    {
        var random = new Random(14);
        foreach (var suite in CryptoSuites.All)
        {
            for (var i = 0; i < 300; i++)
            {
                var encoded = new byte[random.Next(2) == 0 ? suite.PublicKeySizeBytes : random.Next(0, 100)];
                random.NextBytes(encoded);
                if (encoded.Length == suite.PublicKeySizeBytes && suite.Name != CryptoSuites.Ed25519Name && random.Next(2) == 0)
                {
                    encoded[0] = 0x04;
                }

                Assert.That(() => suite.TryDecodePublicKey(encoded, out _), Throws.Nothing, $"{suite.Name} {Convert.ToHexString(encoded)}");
            }
        }
    }

    private static TestCaseData Case(ICryptoSuite suite, byte[] encoded, string what) =>
        new TestCaseData(suite, encoded).SetArgDisplayNames(what);

    private static byte[] FlipLastBit(byte[] key)
    {
        var copy = (byte[])key.Clone();
        copy[^1] ^= 1;
        return copy;
    }
}
