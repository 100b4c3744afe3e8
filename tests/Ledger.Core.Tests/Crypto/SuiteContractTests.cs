using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Crypto;

/// <summary>What every suite promises, checked for each of them.</summary>
[TestFixtureSource(nameof(Suites))]
public sealed class SuiteContractTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    private static readonly byte[] Message = "register work sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"u8.ToArray();

    private readonly ICryptoSuite suite;
    private KeyPair keyPair = null!;
    private KeyPair otherKeyPair = null!;
    private byte[] signature = null!;

    public SuiteContractTests(ICryptoSuite suite)
    {
        this.suite = suite;
    }

    public static IEnumerable<int> BitFlipBytePositions => [0, 1, 31, 32, 33, 62, 63];

    [OneTimeSetUp]
    public void CreateKeys()
    {
        keyPair = suite.GenerateKeyPair();
        otherKeyPair = suite.GenerateKeyPair();
        signature = keyPair.Sign(Message);
    }

    [Test]
    public void Sizes_AreTheDocumentedOnes()
    {
        Assert.That(suite.SignatureSizeBytes, Is.EqualTo(64));
        Assert.That(suite.PrivateKeySizeBytes, Is.EqualTo(32));
        Assert.That(keyPair.Public.Encoded.Length, Is.EqualTo(suite.PublicKeySizeBytes));
        Assert.That(signature, Has.Length.EqualTo(suite.SignatureSizeBytes));
    }

    [Test]
    public void Verify_OwnSignature_IsAccepted()
    {
        Assert.That(suite.Verify(keyPair.Public, Message, signature), Is.True);
    }

    [Test]
    public void Verify_WithDecodedPublicKey_IsAccepted()
    {
        var decoded = suite.DecodePublicKey(keyPair.Public.Encoded);

        Assert.That(decoded.Verify(Message, signature), Is.True);
    }

    [Test]
    public void Verify_WrongKey_IsRejected()
    {
        Assert.That(suite.Verify(otherKeyPair.Public, Message, signature), Is.False);
    }

    [Test]
    public void Verify_WrongMessage_IsRejected()
    {
        var other = (byte[])Message.Clone();
        other[^1] ^= 0x01;

        Assert.That(suite.Verify(keyPair.Public, other, signature), Is.False);
    }

    [Test]
    public void Verify_EmptyMessageSignatureOverOtherMessage_IsRejected()
    {
        Assert.That(suite.Verify(keyPair.Public, ReadOnlySpan<byte>.Empty, signature), Is.False);
    }

    [Test]
    public void Verify_EveryTruncation_IsRejected()
    {
        for (var length = 0; length < signature.Length; length++)
        {
            Assert.That(suite.Verify(keyPair.Public, Message, signature.AsSpan(0, length)), Is.False, $"length {length}");
        }
    }

    [Test]
    public void Verify_EmptySignature_IsRejected()
    {
        Assert.That(suite.Verify(keyPair.Public, Message, ReadOnlySpan<byte>.Empty), Is.False);
    }

    [Test]
    public void Verify_TrailingByte_IsRejected()
    {
        byte[] extended = [.. signature, 0x00];

        Assert.That(suite.Verify(keyPair.Public, Message, extended), Is.False);
    }

    [TestCaseSource(nameof(BitFlipBytePositions))]
    public void Verify_EachBitFlippedInByte_IsRejected(int bytePosition)
    {
        for (var bit = 0; bit < 8; bit++)
        {
            var flipped = (byte[])signature.Clone();
            flipped[bytePosition] ^= (byte)(1 << bit);

            Assert.That(suite.Verify(keyPair.Public, Message, flipped), Is.False, $"byte {bytePosition} bit {bit}");
        }
    }

    [TestCase(0x00)]
    [TestCase(0xFF)]
    public void Verify_ConstantSignature_IsRejectedWithoutThrowing(int fill)
    {
        var garbage = new byte[64];
        Array.Fill(garbage, (byte)fill);

        Assert.That(suite.Verify(keyPair.Public, Message, garbage), Is.False);
    }

    [Test]
    public void Verify_RandomGarbageSignatures_AreRejectedWithoutThrowing()
    {
        var random = new Random(20261125);
        var garbage = new byte[64];
        for (var attempt = 0; attempt < 32; attempt++)
        {
            random.NextBytes(garbage);

            Assert.That(suite.Verify(keyPair.Public, Message, garbage), Is.False);
        }
    }

    [Test]
    public void Verify_KeyOfAnotherSuite_IsRejected()
    {
        var otherSuite = Suites.First(candidate => !ReferenceEquals(candidate, suite));
        var foreignKey = otherSuite.GenerateKeyPair().Public;

        Assert.That(suite.Verify(foreignKey, Message, signature), Is.False);
    }

    [Test]
    public void Verify_NullKey_ThrowsArgumentNull()
    {
        Assert.That(() => suite.Verify(null!, Message, signature), Throws.ArgumentNullException);
    }

    [Test]
    public void Sign_NullKey_ThrowsArgumentNull()
    {
        Assert.That(() => suite.Sign(null!, Message), Throws.ArgumentNullException);
    }

    [Test]
    public void Sign_KeyOfAnotherSuite_Throws()
    {
        var otherSuite = Suites.First(candidate => !ReferenceEquals(candidate, suite));
        var foreignKey = otherSuite.GenerateKeyPair().Private;

        Assert.That(() => suite.Sign(foreignKey, Message), Throws.ArgumentException);
    }

    [Test]
    public void KeyId_IsSuiteHashOfEncodedPublicKey()
    {
        var expected = new byte[suite.Hash.HashSizeBytes];
        suite.Hash.Hash(keyPair.Public.Encoded, expected);

        Assert.That(keyPair.KeyId.ToArray(), Is.EqualTo(expected));
        Assert.That(suite.DeriveKeyId(keyPair.Public.Encoded), Is.EqualTo(keyPair.KeyId));
    }

    [Test]
    public void ImportPrivateKey_SameBytes_GivesSameKeyId()
    {
        var json = KeyFile.Export(keyPair);

        var again = KeyFile.Import(json);

        Assert.That(again.KeyId, Is.EqualTo(keyPair.KeyId));
        Assert.That(again.Public.Verify(Message, signature), Is.True);
    }

    [TestCase(0)]
    [TestCase(31)]
    [TestCase(33)]
    public void ImportPrivateKey_WrongLength_ThrowsInvalidKey(int length)
    {
        Assert.That(() => suite.ImportPrivateKey(new byte[length]), Throws.TypeOf<InvalidKeyException>());
    }

    [Test]
    public void DecodePublicKey_WrongLength_ThrowsInvalidKey()
    {
        var tooShort = keyPair.Public.Encoded[..^1].ToArray();

        Assert.That(() => suite.DecodePublicKey(tooShort), Throws.TypeOf<InvalidKeyException>());
        Assert.That(suite.TryDecodePublicKey(tooShort, out var decoded), Is.False);
        Assert.That(decoded, Is.Null);
    }

    [Test]
    public void DecodePublicKey_AllZeros_IsRejected()
    {
        Assert.That(suite.TryDecodePublicKey(new byte[suite.PublicKeySizeBytes], out _), Is.False);
    }

    [Test]
    public void DecodePublicKey_RandomBytes_NeverThrowsFromTry()
    {
        var random = new Random(7);
        var candidate = new byte[suite.PublicKeySizeBytes];
        for (var attempt = 0; attempt < 32; attempt++)
        {
            random.NextBytes(candidate);

            Assert.That(() => suite.TryDecodePublicKey(candidate, out _), Throws.Nothing);
        }
    }

    [Test]
    public void Verify_ConcurrentlyOnSharedKey_AcceptsEverySignature()
    {
        var messages = Enumerable.Range(0, 64).Select(index => BitConverter.GetBytes(index)).ToArray();
        var signatures = messages.Select(message => keyPair.Sign(message)).ToArray();
        var failures = 0;

        Parallel.For(0, messages.Length * 4, index =>
        {
            var item = index % messages.Length;
            if (!keyPair.Public.Verify(messages[item], signatures[item]))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.That(failures, Is.Zero);
    }

    [Test]
    public void Sign_ConcurrentlyOnSharedKey_ProducesValidSignatures()
    {
        var failures = 0;

        Parallel.For(0, 32, index =>
        {
            var message = BitConverter.GetBytes(index);
            if (!keyPair.Public.Verify(message, keyPair.Sign(message)))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.That(failures, Is.Zero);
    }
}
