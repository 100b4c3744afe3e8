using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// P-256: the RFC 6979 §A.2.5 key and its published signatures (verification only: .NET signs with a
/// random nonce), plus a signature generated once by this suite and pinned so encodings cannot drift.
/// The suite accepts only low-s signatures (s &lt;= n/2), so published high-s signatures are checked in
/// both forms: rejected as published, accepted as (r, n - s).
/// </summary>
public sealed class P256VectorTests
{
    private const string Rfc6979PrivateKeyHex = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    private const string Rfc6979PublicKeyHex =
        "04"
        + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
        + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

    // Pinned 2026-11-25 from this suite (P1363 r || s, low s), key = the RFC 6979 key above.
    private const string PinnedMessage = "ledger p256-sha256 pinned vector";
    private const string PinnedSignatureHex =
        "8e21df4ef0fbde719cf529e5d107b83373698ac948cd76b68df1903e9e3f639a"
        + "6cae135e19707167728685dc625cbbf3cc72b3f4147bbb9ecfdbc0bc497d8f63";

    // The same signature with s replaced by n - s: valid ECDSA, but the malleated twin this suite refuses.
    private const string PinnedHighSSignatureHex =
        "8e21df4ef0fbde719cf529e5d107b83373698ac948cd76b68df1903e9e3f639a"
        + "9351eca0e68f8e998d797a239da3440bf07446b9929be2e623de0a06b2e595ee";

    [Test]
    public void ImportPrivateKey_Rfc6979Key_DerivesPublishedPublicKey()
    {
        var keyPair = CryptoSuites.P256Sha256.ImportPrivateKey(Hex.Decode(Rfc6979PrivateKeyHex));

        Assert.That(Hex.Encode(keyPair.Public.Encoded), Is.EqualTo(Rfc6979PublicKeyHex));
    }

    // "sample" as published has a high s (f7cb...); 0834... is n - s. "test" is published with a low s.
    [TestCase("sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", "0834e36ad29a83bf2bc9385e491d6099c8fdf9d1ed67aa7ea5f51f93782857a9")]
    [TestCase("test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367", "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083")]
    public void Verify_Rfc6979SignatureInLowSForm_IsAccepted(string message, string rHex, string sHex)
    {
        var publicKey = CryptoSuites.P256Sha256.DecodePublicKey(Hex.Decode(Rfc6979PublicKeyHex));

        var valid = CryptoSuites.P256Sha256.Verify(publicKey, System.Text.Encoding.ASCII.GetBytes(message), Hex.Decode(rHex, sHex));

        Assert.That(valid, Is.True);
    }

    [Test]
    public void Verify_Rfc6979SampleSignatureAsPublishedWithHighS_IsRejected()
    {
        var publicKey = CryptoSuites.P256Sha256.DecodePublicKey(Hex.Decode(Rfc6979PublicKeyHex));
        var published = Hex.Decode(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");

        Assert.That(CryptoSuites.P256Sha256.Verify(publicKey, "sample"u8, published), Is.False);
    }

    [Test]
    public void Verify_PinnedSignatureWithHighS_IsRejected()
    {
        var publicKey = CryptoSuites.P256Sha256.DecodePublicKey(Hex.Decode(Rfc6979PublicKeyHex));

        var valid = CryptoSuites.P256Sha256.Verify(publicKey, System.Text.Encoding.ASCII.GetBytes(PinnedMessage), Hex.Decode(PinnedHighSSignatureHex));

        Assert.That(valid, Is.False);
    }

    [Test]
    public void Sign_AlwaysProducesLowS()
    {
        var keyPair = CryptoSuites.P256Sha256.ImportPrivateKey(Hex.Decode(Rfc6979PrivateKeyHex));
        var halfOrder = Hex.Decode("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");

        for (var attempt = 0; attempt < 64; attempt++)
        {
            var signature = keyPair.Sign(BitConverter.GetBytes(attempt));

            Assert.That(signature.AsSpan(32).SequenceCompareTo(halfOrder), Is.LessThanOrEqualTo(0), $"attempt {attempt}");
            Assert.That(keyPair.Public.Verify(BitConverter.GetBytes(attempt), signature), Is.True);
        }
    }

    [Test]
    public void Verify_PinnedSignature_IsAccepted()
    {
        var publicKey = CryptoSuites.P256Sha256.DecodePublicKey(Hex.Decode(Rfc6979PublicKeyHex));

        var valid = CryptoSuites.P256Sha256.Verify(publicKey, System.Text.Encoding.ASCII.GetBytes(PinnedMessage), Hex.Decode(PinnedSignatureHex));

        Assert.That(valid, Is.True);
    }

    [Test]
    public void DecodePublicKey_PointNotOnCurve_IsRejected()
    {
        var offCurve = Hex.Decode(Rfc6979PublicKeyHex);
        offCurve[^1] ^= 0x01;

        Assert.That(() => CryptoSuites.P256Sha256.DecodePublicKey(offCurve), Throws.TypeOf<InvalidKeyException>());
    }

    [Test]
    public void DecodePublicKey_CompressedPoint_IsRejected()
    {
        var compressed = new byte[65];
        compressed[0] = 0x02;

        Assert.That(CryptoSuites.P256Sha256.TryDecodePublicKey(compressed, out _), Is.False);
    }
}
