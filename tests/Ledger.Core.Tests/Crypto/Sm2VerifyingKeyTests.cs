using Ledger.Core.Crypto;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace Ledger.Core.Tests.Crypto;

/// <summary>
/// The parsed-once SM2 verifying key (Z_A and the point's tables computed per key) says exactly what
/// BouncyCastle's SM2Signer says, on valid signatures, on every kind of damaged one, and on the edge
/// scalars the standard's checks B1, B2 and B5 refuse.
/// </summary>
public sealed class Sm2VerifyingKeyTests
{
    private const int Cases = 64;

    [Test]
    public void Verify_RandomKeysMessagesAndDamage_AgreesWithBouncyCastlesSm2Signer()
    {
        var random = new Random(20261207);
        var agreedValid = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (privateKey, encodedPublic) = RandomKey(random);
            var key = (Sm2BouncyCastleVerifyingKey)Sm2BouncyCastleBackend.Instance.ParsePublicKey(encodedPublic);
            var message = new byte[random.Next(300)];
            random.NextBytes(message);
            var signature = new byte[64];
            Sm2BouncyCastleBackend.Instance.Sign(privateKey, message, signature);

            foreach (var (what, candidateMessage, candidateSignature) in Variants(message, signature, random))
            {
                var expected = Sm2BouncyCastleBackend.VerifyWithSigner(key.Parameters, candidateMessage, candidateSignature);
                Assert.That(key.Verify(candidateMessage, candidateSignature), Is.EqualTo(expected), $"case {i}: {what}");
                if (what == "as signed")
                {
                    Assert.That(expected, Is.True, $"case {i}: a fresh signature verifies");
                    agreedValid++;
                }
            }
        }

        Assert.That(agreedValid, Is.EqualTo(Cases));
    }

    [Test]
    public void Verify_ThePublishedExample_IsAccepted_AndAnyFlippedBitRefused()
    {
        var key = (Sm2BouncyCastleVerifyingKey)Sm2BouncyCastleBackend.Instance.ParsePublicKey(Sm2PublishedExample.PublicKey);
        var signature = Sm2PublishedExample.Signature.ToArray();

        Assert.That(key.Verify(Sm2PublishedExample.Message, signature), Is.True);
        for (var bit = 0; bit < signature.Length * 8; bit += 7)
        {
            var flipped = (byte[])signature.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(key.Verify(Sm2PublishedExample.Message, flipped), Is.False, $"bit {bit}");
        }
    }

    private static IEnumerable<(string What, byte[] Message, byte[] Signature)> Variants(byte[] message, byte[] signature, Random random)
    {
        yield return ("as signed", message, signature);
        var n = Sm2BouncyCastleBackend.Domain.N;
        var r = new BigInteger(1, signature, 0, 32);
        var s = new BigInteger(1, signature, 32, 32);
        var flipped = (byte[])signature.Clone();
        flipped[random.Next(64)] ^= (byte)(1 << random.Next(8));
        yield return ("one signature bit flipped", message, flipped);
        var otherMessage = (byte[])message.Clone();
        if (otherMessage.Length > 0)
        {
            otherMessage[random.Next(otherMessage.Length)] ^= 0x01;
        }
        else
        {
            otherMessage = [0x00];
        }

        yield return ("message changed", otherMessage, signature);
        yield return ("r = 0", message, Join(BigInteger.Zero, s));
        yield return ("s = 0", message, Join(r, BigInteger.Zero));
        yield return ("r = n", message, Join(n, s));
        yield return ("s = n", message, Join(r, n));
        yield return ("r + s = n", message, Join(r, n.Subtract(r)));
        yield return ("r and s swapped", message, Join(s, r));
        yield return ("short", message, signature[..63]);
    }

    private static byte[] Join(BigInteger r, BigInteger s)
    {
        var joined = new byte[64];
        r.ToByteArrayUnsigned().CopyTo(joined, 32 - r.ToByteArrayUnsigned().Length);
        s.ToByteArrayUnsigned().CopyTo(joined, 64 - s.ToByteArrayUnsigned().Length);
        return joined;
    }

    private static (object PrivateKey, byte[] EncodedPublic) RandomKey(Random random)
    {
        var n = Sm2BouncyCastleBackend.Domain.N;
        BigInteger d;
        do
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            d = new BigInteger(1, bytes);
        }
        while (d.SignValue == 0 || d.CompareTo(n.Subtract(BigInteger.Two)) > 0);

        var encoded = new FixedPointCombMultiplier().Multiply(Sm2BouncyCastleBackend.Domain.G, d).Normalize().GetEncoded(compressed: false);
        return (Sm2BouncyCastleBackend.Instance.CreatePrivateKey(d.ToByteArrayUnsigned(), encoded), encoded);
    }
}
