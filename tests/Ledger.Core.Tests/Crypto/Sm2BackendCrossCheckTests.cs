using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// The <c>sm2-sm3</c> suite runs on the system's OpenSSL 3 where it can and on BouncyCastle
/// elsewhere; a chain must verify the same on both. These tests pin a suite to each backend and
/// fail on any input where the two decide differently: signatures made by one verify on the other,
/// and every malformed signature or key is refused by both.
/// </summary>
public sealed class Sm2BackendCrossCheckTests
{
    private const int RandomCaseCount = 48;
    private const int RandomMessageBytesMax = 300;
    private const int Seed = 32918;

    private ICryptoSuite openSsl = null!;
    private ICryptoSuite bouncyCastle = null!;

    [OneTimeSetUp]
    public void PinBackends()
    {
        // Built directly, not through the start-up probe: a probe that refused OpenSSL would make these skip, not fail.
        var native = Sm2OpenSslBackend.TryCreate();
        Assume.That(native, Is.Not.Null, "this system's OpenSSL has no SM2/SM3: nothing to cross-check");
        openSsl = new Sm2Sm3Suite(native!, Sm3HashAlgorithm.BouncyCastle);
        bouncyCastle = new Sm2Sm3Suite(Sm2BouncyCastleBackend.Instance, Sm3HashAlgorithm.BouncyCastle);
    }

    [Test]
    public void SuiteBackends_OnThisMachine_AreTheFasterOnes()
    {
        // SM3 on OpenSSL; SM2 on BouncyCastle, faster than OpenSSL 3.0's generic curve code (Sm2Sm3Backends).
        Assert.That(Sm2Sm3Backends.Available, Does.Contain(Sm2Sm3Backends.OpenSsl), "the start-up probe refused OpenSSL: it disagreed with BouncyCastle");
        Assert.That(Sm2Sm3Backends.HashBackend, Is.EqualTo(Sm2Sm3Backends.OpenSsl));
        Assert.That(Sm2Sm3Backends.SignatureBackend, Is.EqualTo(Sm2Sm3Backends.BouncyCastle));
        Assert.That(((Sm2Sm3Suite)CryptoSuites.Sm2Sm3).BackendName, Is.EqualTo(Sm2Sm3Backends.SignatureBackend));
    }

    [Test]
    public void SignAndVerify_RandomKeysAndMessages_EachBackendAcceptsTheOthersSignatures()
    {
        var random = new Random(Seed);
        for (var i = 0; i < RandomCaseCount; i++)
        {
            var (openSslKey, bouncyCastleKey) = ImportBoth(RandomPrivateScalar(random));
            var message = new byte[random.Next(RandomMessageBytesMax)];
            random.NextBytes(message);

            var byOpenSsl = openSslKey.Sign(message);
            var byBouncyCastle = bouncyCastleKey.Sign(message);

            Assert.That(bouncyCastleKey.Public.Verify(message, byOpenSsl), Is.True, $"case {i}: BouncyCastle refuses OpenSSL's signature");
            Assert.That(openSslKey.Public.Verify(message, byBouncyCastle), Is.True, $"case {i}: OpenSSL refuses BouncyCastle's signature");
            Assert.That(openSslKey.Public.Verify(message, byOpenSsl), Is.True, $"case {i}: OpenSSL refuses its own signature");
            Assert.That(bouncyCastleKey.Public.Verify(message, byBouncyCastle), Is.True, $"case {i}: BouncyCastle refuses its own signature");
        }
    }

    [Test]
    public void Verify_RandomlyTamperedSignaturesAndMessages_BothBackendsRefuse()
    {
        var random = new Random(Seed + 1);
        for (var i = 0; i < RandomCaseCount; i++)
        {
            var (openSslKey, bouncyCastleKey) = ImportBoth(RandomPrivateScalar(random));
            var message = new byte[1 + random.Next(RandomMessageBytesMax)];
            random.NextBytes(message);
            var signature = (i % 2 == 0 ? openSslKey : bouncyCastleKey).Sign(message);

            var flippedSignature = (byte[])signature.Clone();
            flippedSignature[random.Next(flippedSignature.Length)] ^= (byte)(1 << random.Next(8));
            var flippedMessage = (byte[])message.Clone();
            flippedMessage[random.Next(flippedMessage.Length)] ^= (byte)(1 << random.Next(8));

            AssertBothRefuse(openSslKey.Public, bouncyCastleKey.Public, message, flippedSignature, $"case {i}: flipped signature bit");
            AssertBothRefuse(openSslKey.Public, bouncyCastleKey.Public, flippedMessage, signature, $"case {i}: flipped message bit");
        }
    }

    public static IEnumerable<TestCaseData> MalformedSignatures()
    {
        var valid = Sm2PublishedExample.Signature.ToArray();
        var r = valid[..32];
        var s = valid[32..];
        var order = Sm2SignatureEncoding.Order.ToArray();
        var zero = new byte[32];
        var ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        yield return new TestCaseData((byte[])[.. zero, .. s]).SetName("Verify_RZero_BothRefuse");
        yield return new TestCaseData((byte[])[.. r, .. zero]).SetName("Verify_SZero_BothRefuse");
        yield return new TestCaseData((byte[])[.. order, .. s]).SetName("Verify_REqualsOrder_BothRefuse");
        yield return new TestCaseData((byte[])[.. r, .. order]).SetName("Verify_SEqualsOrder_BothRefuse");
        yield return new TestCaseData((byte[])[.. ones, .. s]).SetName("Verify_RAboveOrder_BothRefuse");
        yield return new TestCaseData((byte[])[.. r, .. ones]).SetName("Verify_SAboveOrder_BothRefuse");
        yield return new TestCaseData((byte[])[.. r, .. SubtractFromOrder(r)]).SetName("Verify_RPlusSEqualsOrder_BothRefuse");
        yield return new TestCaseData((byte[])[.. r, .. SubtractFromOrder(s)]).SetName("Verify_NegatedS_BothRefuse");
        yield return new TestCaseData(new byte[64]).SetName("Verify_AllZero_BothRefuse");
        yield return new TestCaseData(valid[..63]).SetName("Verify_OneByteShort_BothRefuse");
        yield return new TestCaseData((byte[])[.. valid, 0x00]).SetName("Verify_TrailingByte_BothRefuse");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("Verify_Empty_BothRefuse");
        yield return new TestCaseData(DerOf(valid)).SetName("Verify_DerEncodingOfValidSignature_BothRefuse");
        yield return new TestCaseData((byte[])[.. s, .. r]).SetName("Verify_RAndSSwapped_BothRefuse");
    }

    [TestCaseSource(nameof(MalformedSignatures))]
    public void Verify_MalformedSignature_BothRefuse(byte[] signature)
    {
        var openSslKey = openSsl.DecodePublicKey(Sm2PublishedExample.PublicKey);
        var bouncyCastleKey = bouncyCastle.DecodePublicKey(Sm2PublishedExample.PublicKey);

        AssertBothRefuse(openSslKey, bouncyCastleKey, Sm2PublishedExample.Message.ToArray(), signature, "malformed signature");
    }

    [Test]
    public void BackendVerify_ScalarsOutOfRangeWithoutTheSuitesCheck_BothBackendsRefuseOnTheirOwn()
    {
        // The suite refuses r, s outside [1, n-1] before any backend runs; each backend must refuse them too.
        var native = Sm2OpenSslBackend.TryCreate()!;
        var nativeKey = native.ParsePublicKey(Sm2PublishedExample.PublicKey);
        var managedKey = Sm2BouncyCastleBackend.Instance.ParsePublicKey(Sm2PublishedExample.PublicKey);
        var s = Sm2PublishedExample.Signature[32..].ToArray();
        var order = Sm2SignatureEncoding.Order.ToArray();

        foreach (var signature in new[] { (byte[])[.. new byte[32], .. s], [.. order, .. s], [.. s, .. order], [.. s, .. new byte[32]] })
        {
            Assert.That(native.Verify(nativeKey, Sm2PublishedExample.Message, signature), Is.False, "OpenSSL");
            Assert.That(Sm2BouncyCastleBackend.Instance.Verify(managedKey, Sm2PublishedExample.Message, signature), Is.False, "BouncyCastle");
        }
    }

    public static IEnumerable<TestCaseData> UnusablePublicKeys()
    {
        var valid = Sm2PublishedExample.PublicKey.ToArray();
        var offCurve = (byte[])valid.Clone();
        offCurve[^1] ^= 1;
        yield return new TestCaseData(offCurve).SetName("DecodePublicKey_PointOffTheCurve_BothRefuse");
        yield return new TestCaseData((byte[])[0x04, .. new byte[64]]).SetName("DecodePublicKey_ZeroZero_BothRefuse");
        yield return new TestCaseData((byte[])[0x04, .. Enumerable.Repeat((byte)0xFF, 64)]).SetName("DecodePublicKey_CoordinatesBeyondTheField_BothRefuse");
        yield return new TestCaseData((byte[])[0x04, .. FieldPrime(), .. valid[33..]]).SetName("DecodePublicKey_XEqualsFieldPrime_BothRefuse");
        yield return new TestCaseData((byte[])[0x00, .. new byte[64]]).SetName("DecodePublicKey_InfinityTag_BothRefuse");
        yield return new TestCaseData((byte[])[0x00]).SetName("DecodePublicKey_InfinityOneByte_BothRefuse");
        yield return new TestCaseData((byte[])[0x02, .. valid[1..]]).SetName("DecodePublicKey_CompressedTag_BothRefuse");
        yield return new TestCaseData((byte[])[(byte)(0x06 | (valid[^1] & 1)), .. valid[1..]]).SetName("DecodePublicKey_HybridTag_BothRefuse");
        yield return new TestCaseData(valid[..64]).SetName("DecodePublicKey_Truncated_BothRefuse");
        yield return new TestCaseData((byte[])[.. valid, 0x00]).SetName("DecodePublicKey_TrailingByte_BothRefuse");
    }

    [TestCaseSource(nameof(UnusablePublicKeys))]
    public void DecodePublicKey_UnusableKey_BothRefuse(byte[] encoded)
    {
        Assert.That(openSsl.TryDecodePublicKey(encoded, out _), Is.False, "OpenSSL suite accepted it");
        Assert.That(bouncyCastle.TryDecodePublicKey(encoded, out _), Is.False, "BouncyCastle suite accepted it");
        Assert.That(() => openSsl.DecodePublicKey(encoded), Throws.TypeOf<InvalidKeyException>());
        Assert.That(() => bouncyCastle.DecodePublicKey(encoded), Throws.TypeOf<InvalidKeyException>());
    }

    [Test]
    public void BackendParsePublicKey_PointsOffTheCurve_BothBackendsRefuseOnTheirOwn()
    {
        // Below the suite's tag and length checks: each backend's own point validation.
        var native = Sm2OpenSslBackend.TryCreate()!;
        var valid = Sm2PublishedExample.PublicKey.ToArray();
        var offCurve = (byte[])valid.Clone();
        offCurve[^1] ^= 1;
        foreach (var encoded in new[] { offCurve, [0x04, .. new byte[64]], [0x04, .. FieldPrime(), .. valid[33..]], [0x04, .. Enumerable.Repeat((byte)0xFF, 64)] })
        {
            Assert.That(() => native.ParsePublicKey(encoded), Throws.TypeOf<InvalidKeyException>(), "OpenSSL");
            Assert.That(() => Sm2BouncyCastleBackend.Instance.ParsePublicKey(encoded), Throws.TypeOf<InvalidKeyException>(), "BouncyCastle");
        }
    }

    [Test]
    public void PublishedExample_BothBackends_DerivePublishedKeyAndAcceptPublishedSignature()
    {
        foreach (var suite in new[] { openSsl, bouncyCastle })
        {
            var keyPair = suite.ImportPrivateKey(Sm2PublishedExample.PrivateKey);

            Assert.That(keyPair.Public.Encoded.SequenceEqual(Sm2PublishedExample.PublicKey), Is.True, Backend(suite));
            Assert.That(keyPair.Public.Verify(Sm2PublishedExample.Message, Sm2PublishedExample.Signature), Is.True, Backend(suite));
            Assert.That(keyPair.Public.Verify("message digesT"u8, Sm2PublishedExample.Signature), Is.False, Backend(suite));
        }
    }

    [Test]
    public void KeyExports_BothBackends_AreIdentical()
    {
        var openSslKey = openSsl.ImportPrivateKey(Sm2PublishedExample.PrivateKey);
        var bouncyCastleKey = bouncyCastle.ImportPrivateKey(Sm2PublishedExample.PrivateKey);

        Assert.That(openSslKey.Public.KeyId, Is.EqualTo(bouncyCastleKey.Public.KeyId));
        Assert.That(KeyPem.ExportPublicKey(openSslKey.Public), Is.EqualTo(KeyPem.ExportPublicKey(bouncyCastleKey.Public)));
    }

    [Test]
    public void DecodePublicKey_SameKeyMany_ParsedOnceAndCached()
    {
        var suite = new Sm2Sm3Suite(Sm2OpenSslBackend.TryCreate()!, Sm3HashAlgorithm.BouncyCastle);

        var first = suite.DecodePublicKey(Sm2PublishedExample.PublicKey);
        var second = suite.DecodePublicKey(Sm2PublishedExample.PublicKey);

        Assert.That(suite.CachedPublicKeyCount, Is.EqualTo(1));
        Assert.That(first.Handle, Is.SameAs(second.Handle));
    }

    private static void AssertBothRefuse(PublicKey openSslKey, PublicKey bouncyCastleKey, byte[] message, byte[] signature, string what)
    {
        var byOpenSsl = openSslKey.Verify(message, signature);
        var byBouncyCastle = bouncyCastleKey.Verify(message, signature);

        Assert.That(byOpenSsl, Is.EqualTo(byBouncyCastle), $"{what}: backends disagree (OpenSSL {byOpenSsl}, BouncyCastle {byBouncyCastle})");
        Assert.That(byOpenSsl, Is.False, $"{what}: accepted");
    }

    private (KeyPair OpenSsl, KeyPair BouncyCastle) ImportBoth(byte[] scalar) => (openSsl.ImportPrivateKey(scalar), bouncyCastle.ImportPrivateKey(scalar));

    private static string Backend(ICryptoSuite suite) => ((Sm2Sm3Suite)suite).BackendName;

    /// <summary>A scalar in [1, n-2] from the seeded source, so a failing case replays.</summary>
    private static byte[] RandomPrivateScalar(Random random)
    {
        var scalar = new byte[32];
        do
        {
            random.NextBytes(scalar);
        }
        while (scalar.SequenceCompareTo(SubtractFromOrder([.. new byte[31], 2])) > 0 || scalar.AsSpan().IndexOfAnyExcept((byte)0) < 0);

        return scalar;
    }

    private static byte[] FieldPrime() => Convert.FromHexString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF");

    private static byte[] DerOf(byte[] signature)
    {
        var der = new byte[Sm2SignatureEncoding.DerSizeBytesMax];
        return der[..Sm2SignatureEncoding.ToDer(signature, der)];
    }

    /// <summary>n - value for a 32-byte big-endian value below n.</summary>
    private static byte[] SubtractFromOrder(byte[] value)
    {
        var result = new byte[32];
        var borrow = 0;
        for (var index = 31; index >= 0; index--)
        {
            var difference = Sm2SignatureEncoding.Order[index] - value[index] - borrow;
            borrow = difference < 0 ? 1 : 0;
            result[index] = (byte)difference;
        }

        return result;
    }
}
