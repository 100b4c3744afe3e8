using Ledger.Core.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Security;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// The comb path of SM2 verification (a per-key <see cref="Sm2CombTable"/> in a bounded
/// <see cref="Sm2CombTableCache"/>) decides exactly as BouncyCastle's stock SM2Signer: on thousands of
/// random keys and messages with valid and damaged signatures, on the scalars B1, B2 and B5 refuse,
/// on a sum at infinity, on the published GM/T examples, and with the cache at its bound, also from
/// many threads at once. Keys and signatures come from a seeded generator, so a failure replays.
/// </summary>
public sealed class Sm2CombVerificationTests
{
    private const int RandomKeyCount = 1024;
    private const int MessageBytesMax = 300;

    private static ECDomainParameters Domain => Sm2BouncyCastleBackend.Domain;

    private static BigInteger N => Domain.N;

    [Test]
    public void Verify_ThousandsOfRandomKeysMessagesAndDamage_CombAgreesWithSm2Signer()
    {
        var random = SeededRandom(1);
        var cache = new Sm2CombTableCache(16);
        var checkedVerifications = 0;
        for (var i = 0; i < RandomKeyCount; i++)
        {
            var (d, publicKey) = RandomKey(random);
            var key = new Sm2BouncyCastleVerifyingKey(publicKey, cache, Sm2Sm3Suite.DefaultUserId);
            var message = RandomBytes(random, random.Next(MessageBytesMax + 1));
            var signature = Sign(d, message, random);

            // First verification: BouncyCastle's multiplier; from the second on: the comb.
            Assert.That(key.Verify(message, signature), Is.True, $"key {i}: first verification");
            Assert.That(key.HasCombTable, Is.False, $"key {i}: no table after one verification");
            foreach (var (what, candidateMessage, candidateSignature) in Variants(d, message, signature, random))
            {
                var expected = VerifyWithSm2Signer(publicKey, candidateMessage, candidateSignature);
                Assert.That(key.Verify(candidateMessage, candidateSignature), Is.EqualTo(expected), $"key {i}: {what}");
                checkedVerifications++;
            }

            Assert.That(key.HasCombTable, Is.True, $"key {i}: the verifications after the first ran on the comb");
            Assert.That(VerifyWithSm2Signer(publicKey, message, signature), Is.True, $"key {i}: SM2Signer accepts the signature");
        }

        Assert.That(checkedVerifications, Is.GreaterThan(RandomKeyCount * 10));
        Assert.That(cache.Admissions, Is.EqualTo(RandomKeyCount), "every key built its table at its second verification");
    }

    [Test]
    public void SumOfTwoMultiplies_EdgeAndRandomScalars_MatchesBouncyCastle()
    {
        var random = SeededRandom(2);
        var (_, publicKey) = RandomKey(random);
        var generatorTable = Sm2CombTable.Build(Domain.G);
        var keyTable = Sm2CombTable.Build(publicKey.Q);
        var twoTo256MinusOne = BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One);
        var scalars = new List<BigInteger> { BigInteger.Zero, BigInteger.One, BigInteger.Two, N.Subtract(BigInteger.One), N, N.Add(BigInteger.One), twoTo256MinusOne };
        for (var bit = 0; bit < 256; bit += 5)
        {
            scalars.Add(BigInteger.One.ShiftLeft(bit));
        }

        for (var i = 0; i < 64; i++)
        {
            scalars.Add(new BigInteger(256, random));
        }

        foreach (var a in scalars)
        {
            var b = scalars[random.Next(scalars.Count)];
            var expected = Domain.G.Multiply(a).Add(publicKey.Q.Multiply(b)).Normalize();

            var actual = Sm2CombTable.SumOfTwoMultiplies(generatorTable, Bytes32(a), keyTable, Bytes32(b)).Normalize();

            Assert.That(actual, Is.EqualTo(expected), $"a = {a.ToString(16)}, b = {b.ToString(16)}");
        }
    }

    [Test]
    public void Verify_SignatureWhoseSumIsInfinity_IsRefusedLikeSm2Signer()
    {
        // [s]G + [t]P = [s + t*d]G is the point at infinity when s = -t*d mod n: r = t - s mod n makes
        // such a signature, which B6 must refuse after the comb (or BouncyCastle) returns infinity.
        var random = SeededRandom(3);
        var cache = new Sm2CombTableCache(4);
        var refused = 0;
        for (var i = 0; i < 32; i++)
        {
            var (d, publicKey) = RandomKey(random);
            var key = new Sm2BouncyCastleVerifyingKey(publicKey, cache, Sm2Sm3Suite.DefaultUserId);
            var t = new BigInteger(255, random).Add(BigInteger.One);
            var s = t.Multiply(d).Negate().Mod(N);
            var r = t.Subtract(s).Mod(N);
            if (s.SignValue == 0 || r.SignValue == 0)
            {
                continue;
            }

            var signature = Join(r, s);
            var message = RandomBytes(random, 40);
            Assert.That(Domain.G.Multiply(s).Add(publicKey.Q.Multiply(t)).IsInfinity, Is.True);
            for (var verification = 0; verification < 3; verification++)
            {
                Assert.That(key.Verify(message, signature), Is.False, $"case {i}, verification {verification}");
            }

            Assert.That(VerifyWithSm2Signer(publicKey, message, signature), Is.False);
            Assert.That(key.HasCombTable, Is.True, "the refusals after the first ran on the comb");
            refused++;
        }

        Assert.That(refused, Is.GreaterThan(24));
    }

    [Test]
    public void Verify_PublishedGmT00035Example_AcceptedOnBothPaths_AndFlippedBitsRefused()
    {
        var cache = new Sm2CombTableCache(2);
        var key = new Sm2BouncyCastleVerifyingKey(Sm2BouncyCastleBackend.DecodePoint(Sm2PublishedExample.PublicKey), cache, Sm2Sm3Suite.DefaultUserId);
        var signature = Sm2PublishedExample.Signature.ToArray();

        Assert.That(key.Verify(Sm2PublishedExample.Message, signature), Is.True, "first use: BouncyCastle's multiplier");
        Assert.That(key.Verify(Sm2PublishedExample.Message, signature), Is.True, "second use: the comb");
        Assert.That(key.HasCombTable, Is.True);
        for (var bit = 0; bit < signature.Length * 8; bit++)
        {
            var flipped = (byte[])signature.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(key.Verify(Sm2PublishedExample.Message, flipped), Is.False, $"signature bit {bit}");
        }

        Assert.That(key.Verify("message digesT"u8, signature), Is.False);
    }

    [Test]
    public void Verify_PublishedGmT00032AnnexAExampleOnItsTestCurve_AcceptedOnBothPaths()
    {
        // GM/T 0003.2-2012 Annex A.2: another curve (FpCurve, modified Jacobian coordinates) and user id,
        // so the comb and the B7 comparison run on arithmetic other than sm2p256v1's.
        var key = new Sm2BouncyCastleVerifyingKey(AnnexA.PublicKey(), new Sm2CombTableCache(1), AnnexA.UserId);
        var signature = Hex.Decode(AnnexA.SignatureHex);

        Assert.That(key.Verify(AnnexA.Message, signature), Is.True, "first use");
        Assert.That(key.Verify(AnnexA.Message, signature), Is.True, "comb");
        Assert.That(key.HasCombTable, Is.True);
        Assert.That(key.Verify("message digesT"u8, signature), Is.False);
        signature[40] ^= 0x10;
        Assert.That(key.Verify(AnnexA.Message, signature), Is.False);
    }

    public static IEnumerable<TestCaseData> PointsThatAreNotKeys()
    {
        var valid = Sm2PublishedExample.PublicKey.ToArray();
        var offCurve = (byte[])valid.Clone();
        offCurve[^1] ^= 1;
        var fieldPrime = Convert.FromHexString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF");
        yield return new TestCaseData(offCurve).SetName("DecodePoint_OffTheCurve_IsRefused");
        yield return new TestCaseData((byte[])[0x04, .. new byte[64]]).SetName("DecodePoint_ZeroZero_IsRefused");
        yield return new TestCaseData((byte[])[0x00]).SetName("DecodePoint_Infinity_IsRefused");
        yield return new TestCaseData((byte[])[0x04, .. fieldPrime, .. valid[33..]]).SetName("DecodePoint_XEqualsFieldPrime_IsRefused");
        yield return new TestCaseData((byte[])[0x04, .. Enumerable.Repeat((byte)0xFF, 64)]).SetName("DecodePoint_CoordinatesBeyondTheField_IsRefused");
    }

    [TestCaseSource(nameof(PointsThatAreNotKeys))]
    public void DecodePoint_NotAPointOfTheCurve_IsRefusedBeforeAnyTable(byte[] encoded)
    {
        Assert.That(() => Sm2BouncyCastleBackend.Instance.ParsePublicKey(encoded), Throws.TypeOf<Ledger.Core.Crypto.InvalidKeyException>());
    }

    [Test]
    public void Build_PointAtInfinity_IsRefused()
    {
        Assert.That(() => Sm2CombTable.Build(Domain.Curve.Infinity), Throws.TypeOf<ArgumentException>());
    }

    [Test]
    public void Admit_MoreKeysThanTheBound_CountStaysAtTheBoundAndEvictedKeysStillVerify()
    {
        var random = SeededRandom(4);
        var cache = new Sm2CombTableCache(4);
        var signed = Enumerable.Range(0, 12).Select(_ => SignedCase(random, cache)).ToArray();

        for (var round = 0; round < 6; round++)
        {
            foreach (var (key, message, signature, tampered) in signed)
            {
                Assert.That(key.Verify(message, signature), Is.True, $"round {round}: valid");
                Assert.That(key.Verify(message, tampered), Is.False, $"round {round}: tampered");
                Assert.That(cache.Count, Is.LessThanOrEqualTo(cache.EntriesMax));
            }
        }

        Assert.That(cache.Count, Is.EqualTo(cache.EntriesMax));
        Assert.That(cache.Evictions, Is.GreaterThan(0));
        Assert.That(signed.Count(c => c.Key.HasCombTable), Is.EqualTo(cache.EntriesMax));
    }

    [Test]
    public void Admit_KeyUsedSinceTheHandPassed_SurvivesTheNextEviction()
    {
        var random = SeededRandom(5);
        var cache = new Sm2CombTableCache(3);
        var cases = Enumerable.Range(0, 5).Select(_ => SignedCase(random, cache)).ToArray();
        var (a, b, c, d, e) = (cases[0], cases[1], cases[2], cases[3], cases[4]);
        foreach (var admitted in new[] { a, b, c, d })
        {
            VerifyTwice(admitted);
        }

        // D's admission swept A, B and C unmarked and evicted A. Using C marks it again; E must then evict B.
        Assert.That((a.Key.HasCombTable, b.Key.HasCombTable, c.Key.HasCombTable, d.Key.HasCombTable), Is.EqualTo((false, true, true, true)));
        Assert.That(c.Key.Verify(c.Message, c.Signature), Is.True);
        VerifyTwice(e);

        Assert.That((b.Key.HasCombTable, c.Key.HasCombTable, e.Key.HasCombTable), Is.EqualTo((false, true, true)));
    }

    [Test]
    public void Verify_EvictedKey_BuildsItsTableAgainOnlyAfterTheReadmissionCount()
    {
        var random = SeededRandom(6);
        var cache = new Sm2CombTableCache(1);
        var first = SignedCase(random, cache);
        var second = SignedCase(random, cache);
        VerifyTwice(first);
        VerifyTwice(second);
        Assert.That(first.Key.HasCombTable, Is.False, "evicted by the second key");

        for (var i = 1; i < Sm2BouncyCastleVerifyingKey.TableAgainAfterVerifications; i++)
        {
            Assert.That(first.Key.Verify(first.Message, first.Signature), Is.True);
            Assert.That(first.Key.HasCombTable, Is.False, $"verification {i} after eviction");
        }

        Assert.That(first.Key.Verify(first.Message, first.Signature), Is.True);
        Assert.That(first.Key.HasCombTable, Is.True);
        Assert.That(second.Key.HasCombTable, Is.False);
    }

    [Test]
    public void Verify_ManyThreadsMoreKeysThanTheBound_EveryResultMatchesSm2Signer()
    {
        const int keyCount = 24;
        const int threadCount = 8;
        const int verificationsPerThread = 300;
        var random = SeededRandom(7);
        var cache = new Sm2CombTableCache(5);
        var cases = Enumerable.Range(0, keyCount).Select(_ => SignedCase(random, cache)).ToArray();
        // Each key is evicted and comes back many times, so readmission is quick here.
        var expectedValid = cases.Select(c => VerifyWithSm2Signer(c.Key.Parameters, c.Message, c.Signature)).ToArray();
        var expectedTampered = cases.Select(c => VerifyWithSm2Signer(c.Key.Parameters, c.Message, c.Tampered)).ToArray();
        Assert.That(expectedValid, Is.All.True);
        Assert.That(expectedTampered, Is.All.False);

        var mismatches = 0;
        var verified = 0;
        var threads = Enumerable.Range(0, threadCount).Select(thread => new Thread(() =>
        {
            var order = new Random(thread);
            for (var i = 0; i < verificationsPerThread; i++)
            {
                var index = order.Next(keyCount);
                var tampered = order.Next(4) == 0;
                var (key, message, signature, tamperedSignature) = cases[index];
                var result = key.Verify(message, tampered ? tamperedSignature : signature);
                if (result != (tampered ? expectedTampered[index] : expectedValid[index]))
                {
                    Interlocked.Increment(ref mismatches);
                }

                Interlocked.Increment(ref verified);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.That(verified, Is.EqualTo(threadCount * verificationsPerThread));
        Assert.That(mismatches, Is.Zero);
        Assert.That(cache.Count, Is.LessThanOrEqualTo(cache.EntriesMax));
        Assert.That(cache.Evictions, Is.GreaterThan(0));
        Assert.That(cases.Count(c => c.Key.HasCombTable), Is.LessThanOrEqualTo(cache.EntriesMax));
    }

    [Test]
    public void HasAffineXCongruentTo_PointWithXAtLeastTheOrder_MatchesXMinusN()
    {
        // A valid signature gives x1 >= n with probability about 2^-128, so B7's second candidate
        // (x1 = (r - e) mod n + n) is checked here on a point built to have such an x, in Jacobian form.
        var curve = Domain.Curve;
        ECPoint? affine = null;
        var x = N;
        while (affine is null)
        {
            try
            {
                affine = curve.DecodePoint([0x02, .. Bytes32(x)]);
            }
            catch (ArgumentException)
            {
                x = x.Add(BigInteger.One); // no point with this x
            }
        }

        var jacobian = affine.Multiply(BigInteger.Three).Add(affine.Twice().Negate());
        Assert.That(jacobian.IsNormalized(), Is.False, "the check runs on projective coordinates");
        Assert.That(jacobian.Normalize().AffineXCoord.ToBigInteger(), Is.EqualTo(x));
        var xModOrder = x.Subtract(N);

        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(jacobian, xModOrder, N, jacobian: true), Is.True);
        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(affine, xModOrder, N, jacobian: true), Is.True);
        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(jacobian, xModOrder, N, jacobian: false), Is.True);
        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(jacobian, xModOrder.Add(BigInteger.One), N, jacobian: true), Is.False);
        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(curve.Infinity, xModOrder, N, jacobian: true), Is.False);
    }

    [Test]
    public void HasAffineXCongruentTo_PointWithXBelowTheOrder_MatchesXOnly()
    {
        var point = Domain.G.Multiply(BigInteger.ValueOf(7)).Add(Domain.G.Negate());
        var x = point.Normalize().AffineXCoord.ToBigInteger();
        Assume.That(x.CompareTo(N), Is.LessThan(0));

        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(point, x, N, jacobian: true), Is.True);
        Assert.That(Sm2BouncyCastleVerifyingKey.HasAffineXCongruentTo(point, x.Add(BigInteger.One).Mod(N), N, jacobian: true), Is.False);
    }

    [Test]
    public void Constants_TableShape_CoversEveryScalarBelowTheOrder()
    {
        Assert.That(Sm2CombTable.Width * Sm2CombTable.Columns, Is.EqualTo(Sm2CombTable.ScalarBits));
        Assert.That(N.BitLength, Is.LessThanOrEqualTo(Sm2CombTable.ScalarBits));
        Assert.That(Sm2BouncyCastleVerifyingKey.TableAtVerification, Is.GreaterThanOrEqualTo(2), "a key's first verification never pays for a table");
        Assert.That(Sm2CombTableCache.SharedEntriesMax * (long)Sm2CombTable.RetainedBytesApprox, Is.LessThanOrEqualTo(16L << 20), "the shared cache stays within 16 MB");
    }

    private static void VerifyTwice((Sm2BouncyCastleVerifyingKey Key, byte[] Message, byte[] Signature, byte[] Tampered) signed)
    {
        Assert.That(signed.Key.Verify(signed.Message, signed.Signature), Is.True);
        Assert.That(signed.Key.Verify(signed.Message, signed.Signature), Is.True);
    }

    private static (Sm2BouncyCastleVerifyingKey Key, byte[] Message, byte[] Signature, byte[] Tampered) SignedCase(SecureRandom random, Sm2CombTableCache cache)
    {
        var (d, publicKey) = RandomKey(random);
        var message = RandomBytes(random, 1 + random.Next(MessageBytesMax));
        var signature = Sign(d, message, random);
        var tampered = (byte[])signature.Clone();
        tampered[random.Next(tampered.Length)] ^= (byte)(1 << random.Next(8));
        return (new Sm2BouncyCastleVerifyingKey(publicKey, cache, Sm2Sm3Suite.DefaultUserId), message, signature, tampered);
    }

    private static IEnumerable<(string What, byte[] Message, byte[] Signature)> Variants(BigInteger d, byte[] message, byte[] signature, SecureRandom random)
    {
        var r = new BigInteger(1, signature, 0, 32);
        var s = new BigInteger(1, signature, 32, 32);
        var one = BigInteger.One;
        yield return ("as signed", message, signature);
        yield return ("as signed, again", message, signature);
        var flipped = (byte[])signature.Clone();
        flipped[random.Next(64)] ^= (byte)(1 << random.Next(8));
        yield return ("one signature bit flipped", message, flipped);
        var otherMessage = message.Length == 0 ? [0x00] : (byte[])message.Clone();
        otherMessage[random.Next(otherMessage.Length)] ^= (byte)(1 << random.Next(8));
        yield return ("one message bit flipped", otherMessage, signature);
        yield return ("r = 0", message, Join(BigInteger.Zero, s));
        yield return ("s = 0", message, Join(r, BigInteger.Zero));
        yield return ("r = n", message, Join(N, s));
        yield return ("s = n", message, Join(r, N));
        yield return ("r = 2^256 - 1", message, [.. Enumerable.Repeat((byte)0xFF, 32), .. signature[32..]]);
        yield return ("s = 2^256 - 1", message, [.. signature[..32], .. Enumerable.Repeat((byte)0xFF, 32)]);
        yield return ("r + s = n", message, Join(r, N.Subtract(r)));
        yield return ("r = n - 1", message, Join(N.Subtract(one), s));
        yield return ("s = n - 1", message, Join(r, N.Subtract(one)));
        yield return ("s = 1", message, Join(r, one));
        yield return ("r + 1", message, Join(r.Add(one).Mod(N), s));
        yield return ("s + 1", message, Join(r, s.Add(one).Mod(N)));
        yield return ("r + s = 1 mod n", message, Join(r, one.Subtract(r).Mod(N)));
        yield return ("r and s swapped", message, Join(s, r));
        yield return ("signed by the key d + 1", message, Sign(d.Add(one).Mod(N.Subtract(one)).Max(one), message, random));
        yield return ("63 bytes", message, signature[..63]);
        yield return ("65 bytes", message, [.. signature, 0x00]);
    }

    private static bool VerifyWithSm2Signer(ECPublicKeyParameters publicKey, byte[] message, byte[] signature)
    {
        // The stock path: a new signer per verification, initialised with the key parameters.
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(false, new ParametersWithID(publicKey, Sm2Sm3Suite.DefaultUserId.ToArray()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.VerifySignature(signature);
    }

    private static byte[] Sign(BigInteger d, byte[] message, SecureRandom random)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(new ECPrivateKeyParameters("EC", d, Domain), random), Sm2Sm3Suite.DefaultUserId.ToArray()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    private static (BigInteger D, ECPublicKeyParameters PublicKey) RandomKey(SecureRandom random)
    {
        BigInteger d;
        do
        {
            d = new BigInteger(256, random);
        }
        while (d.SignValue == 0 || d.CompareTo(N.Subtract(BigInteger.Two)) > 0);

        var encoded = new FixedPointCombMultiplier().Multiply(Domain.G, d).Normalize().GetEncoded(compressed: false);
        return (d, Sm2BouncyCastleBackend.DecodePoint(encoded));
    }

    /// <summary>SHA-256 DRBG with a fixed seed: the same keys, messages and signature nonces on every run.</summary>
    private static SecureRandom SeededRandom(int seed)
    {
        var random = SecureRandom.GetInstance("SHA256PRNG", autoSeed: false);
        random.SetSeed(BitConverter.GetBytes(20261207L * 31 + seed));
        return random;
    }

    private static byte[] RandomBytes(SecureRandom random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Bytes32(BigInteger value)
    {
        var bytes = new byte[32];
        var magnitude = value.ToByteArrayUnsigned();
        magnitude.CopyTo(bytes, 32 - magnitude.Length);
        return bytes;
    }

    private static byte[] Join(BigInteger r, BigInteger s) => [.. Bytes32(r), .. Bytes32(s)];

    /// <summary>GM/T 0003.2-2012 Annex A.2: the signature example on the 256-bit test curve.</summary>
    private static class AnnexA
    {
        public const string SignatureHex = "40f1ec59f793d9f49e09dcef49130d4194f79fb1eed2caa55bacdb49c4e755d1" + "6fc6dac32c5d5cf10c77dfb20f7c2eb667a457872fb09ec56327a67ec7deebe7";

        private const string P = "8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3";
        private const string A = "787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498";
        private const string B = "63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249a";
        private const string GX = "421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43d";
        private const string GY = "0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2";
        private const string Order = "8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7";
        private const string XA = "0ae4c7798aa0f119471bee11825be46202bb79e2a5844495e97c04ff4df2548a";
        private const string YA = "7c0240f88f1cd4e16352a73c17b7f16f07353e53a176d684a9fe0c6bb798e857";

        public static byte[] Message => "message digest"u8.ToArray();

        public static byte[] UserId => "ALICE123@YAHOO.COM"u8.ToArray();

        public static ECPublicKeyParameters PublicKey()
        {
            var n = new BigInteger(Order, 16);
            var curve = new FpCurve(new BigInteger(P, 16), new BigInteger(A, 16), new BigInteger(B, 16), n, BigInteger.One);
            var domain = new ECDomainParameters(curve, curve.CreatePoint(new BigInteger(GX, 16), new BigInteger(GY, 16)), n);
            return new ECPublicKeyParameters(curve.CreatePoint(new BigInteger(XA, 16), new BigInteger(YA, 16)), domain);
        }
    }
}
