using System.Text;
using Ledger.Core.Hashing;

namespace Ledger.Core.Tests.Crypto;

/// <summary>Published vectors: FIPS 180-2 Appendix B (SHA-256) and GM/T 0004-2012 Appendix A (SM3).</summary>
public sealed class HashAlgorithmVectorTests
{
    private static readonly string MillionAs = new('a', 1_000_000);

    [TestCase("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Sha256_Fips180Vector_MatchesPublishedDigest(string message, string expectedHex)
    {
        var digest = HashOf(Sha256HashAlgorithm.Instance, Encoding.ASCII.GetBytes(message));

        Assert.That(Hex.Encode(digest), Is.EqualTo(expectedHex));
    }

    [Test]
    public void Sha256_OneMillionAs_MatchesPublishedDigest()
    {
        var digest = HashOf(Sha256HashAlgorithm.Instance, Encoding.ASCII.GetBytes(MillionAs));

        Assert.That(Hex.Encode(digest), Is.EqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    [Test]
    public void Sm3_GmT0004ExampleOne_Abc_MatchesPublishedDigest()
    {
        var digest = HashOf(Sm3HashAlgorithm.Instance, "abc"u8);

        Assert.That(Hex.Encode(digest), Is.EqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"));
    }

    [Test]
    public void Sm3_GmT0004ExampleTwo_SixteenAbcd_MatchesPublishedDigest()
    {
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16)));

        var digest = HashOf(Sm3HashAlgorithm.Instance, message);

        Assert.That(message, Has.Length.EqualTo(64));
        Assert.That(Hex.Encode(digest), Is.EqualTo("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"));
    }

    [Test]
    public void Sm3_NameAndSize_AreStable()
    {
        Assert.That(Sm3HashAlgorithm.Instance.Name, Is.EqualTo("sm3"));
        Assert.That(Sm3HashAlgorithm.Instance.HashSizeBytes, Is.EqualTo(32));
    }

    [TestCase(0)]
    [TestCase(31)]
    [TestCase(33)]
    public void Sm3_DestinationNotHashSize_Throws(int destinationLength)
    {
        Assert.That(() => Sm3HashAlgorithm.Instance.Hash("abc"u8, new byte[destinationLength]), Throws.ArgumentException);
    }

    [Test]
    public void Sm3_RepeatedAndConcurrentUse_GivesSameDigest()
    {
        var expected = HashOf(Sm3HashAlgorithm.Instance, "abc"u8);
        var mismatches = 0;

        Parallel.For(0, 2_000, _ =>
        {
            if (!HashOf(Sm3HashAlgorithm.Instance, "abc"u8).AsSpan().SequenceEqual(expected))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.That(mismatches, Is.Zero);
    }

    private static byte[] HashOf(IHashAlgorithm hash, ReadOnlySpan<byte> message)
    {
        var digest = new byte[hash.HashSizeBytes];
        hash.Hash(message, digest);
        return digest;
    }
}
