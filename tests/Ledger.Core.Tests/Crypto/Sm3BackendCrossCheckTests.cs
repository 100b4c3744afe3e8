using System.Text;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// SM3 on OpenSSL and on BouncyCastle give the same digest for every input, and both reproduce the
/// published examples: GM/T 0004 Appendix A, and the intermediate values Z_A and e of the GM/T
/// 0003.2 Annex A signature example (test curve, user id "ALICE123@YAHOO.COM"), whose signature
/// BouncyCastle verifies on that curve.
/// </summary>
public sealed class Sm3BackendCrossCheckTests
{
    private const int Seed = 32905;

    private IHashAlgorithm openSsl = null!;
    private IHashAlgorithm bouncyCastle = null!;

    [OneTimeSetUp]
    public void PinBackends()
    {
        // Not through the self-test: one that refused OpenSSL would make these skip, not fail.
        Assume.That(OpenSslSm3.IsLoaded, Is.True, "this system's OpenSSL has no SM3: nothing to cross-check");
        openSsl = Sm3HashAlgorithm.OpenSslUnchecked;
        bouncyCastle = Sm3HashAlgorithm.BouncyCastle;
    }

    [Test]
    public void SelfTest_OnThisMachine_AcceptedOpenSsl() => Assert.That(OpenSslSm3.IsAvailable, Is.True, "OpenSSL SM3 disagreed with BouncyCastle or the GM/T 0004 example");

    [TestCase("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [TestCase("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void Hash_GmT0004Examples_BothBackendsGivePublishedDigest(string message, string digestHex)
    {
        Assert.That(Hex.Encode(HashOf(openSsl, Encoding.ASCII.GetBytes(message))), Is.EqualTo(digestHex), "OpenSSL");
        Assert.That(Hex.Encode(HashOf(bouncyCastle, Encoding.ASCII.GetBytes(message))), Is.EqualTo(digestHex), "BouncyCastle");
    }

    [Test]
    public void Hash_RandomInputsOfEveryLengthUpTo300AndLarge_BackendsAgree()
    {
        var random = new Random(Seed);
        var lengths = Enumerable.Range(0, 300).Concat([4095, 4096, 65_537, 1 << 20]);
        foreach (var length in lengths)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.That(HashOf(openSsl, data), Is.EqualTo(HashOf(bouncyCastle, data)), $"length {length}");
        }
    }

    [Test]
    public void Hash_ConcurrentThreads_OpenSslMatchesBouncyCastle()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var expected = HashOf(bouncyCastle, data);

        var results = new byte[64][];
        Parallel.For(0, results.Length, i => results[i] = HashOf(openSsl, data));

        Assert.That(results, Is.All.EqualTo(expected));
    }

    [Test]
    public void GmT00032AnnexA_ZAAndE_BothBackendsGivePublishedValues()
    {
        var za = AnnexA.ZA(openSsl);

        Assert.That(Hex.Encode(za), Is.EqualTo(AnnexA.ZAHex));
        Assert.That(Hex.Encode(AnnexA.ZA(bouncyCastle)), Is.EqualTo(AnnexA.ZAHex));
        Assert.That(Hex.Encode(HashOf(openSsl, [.. za, .. AnnexA.Message])), Is.EqualTo(AnnexA.EHex));
        Assert.That(Hex.Encode(HashOf(bouncyCastle, [.. za, .. AnnexA.Message])), Is.EqualTo(AnnexA.EHex));
    }

    [Test]
    public void GmT00032AnnexA_PublishedSignatureOnTestCurve_VerifiesAndTamperedDoesNot()
    {
        Assert.That(AnnexA.Verify(AnnexA.Message, AnnexA.SignatureHex), Is.True);
        Assert.That(AnnexA.Verify("message digesT"u8.ToArray(), AnnexA.SignatureHex), Is.False);
    }

    private static byte[] HashOf(IHashAlgorithm hash, byte[] data)
    {
        var digest = new byte[hash.HashSizeBytes];
        hash.Hash(data, digest);
        return digest;
    }

    /// <summary>GM/T 0003.2-2012 Annex A.2: the signature example on the 256-bit test curve (not sm2p256v1).</summary>
    private static class AnnexA
    {
        public const string ZAHex = "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a";
        public const string EHex = "b524f552cd82b8b028476e005c377fb19a87e6fc682d48bb5d42e3d9b9effe76";
        public const string SignatureHex = "40f1ec59f793d9f49e09dcef49130d4194f79fb1eed2caa55bacdb49c4e755d1" + "6fc6dac32c5d5cf10c77dfb20f7c2eb667a457872fb09ec56327a67ec7deebe7";

        private const string P = "8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3";
        private const string A = "787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498";
        private const string B = "63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249a";
        private const string GX = "421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43d";
        private const string GY = "0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2";
        private const string N = "8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7";
        private const string XA = "0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a";
        private const string YA = "7c0240f88f1cd4e16352a73c17b7f16f07353e53a176d684a9fe0c6bb798e857";

        public static byte[] Message => "message digest"u8.ToArray();

        private static byte[] UserId => "ALICE123@YAHOO.COM"u8.ToArray();

        /// <summary>Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A), ENTL_A the id's length in bits (2 bytes).</summary>
        public static byte[] ZA(IHashAlgorithm sm3)
        {
            var bits = UserId.Length * 8;
            byte[] input = [(byte)(bits >> 8), (byte)bits, .. UserId, .. Hex.Decode(A), .. Hex.Decode(B), .. Hex.Decode(GX), .. Hex.Decode(GY), .. Hex.Decode(XA), .. Hex.Decode(YA)];
            return HashOf(sm3, input);
        }

        public static bool Verify(byte[] message, string signatureHex)
        {
            var n = new BigInteger(N, 16);
            var curve = new FpCurve(new BigInteger(P, 16), new BigInteger(A, 16), new BigInteger(B, 16), n, BigInteger.One);
            var domain = new ECDomainParameters(curve, curve.CreatePoint(new BigInteger(GX, 16), new BigInteger(GY, 16)), n);
            var key = new ECPublicKeyParameters(curve.CreatePoint(new BigInteger(XA, 16), new BigInteger(YA, 16)), domain);
            var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
            signer.Init(false, new ParametersWithID(key, UserId));
            signer.BlockUpdate(message);
            return signer.VerifySignature(Hex.Decode(signatureHex));
        }
    }
}
