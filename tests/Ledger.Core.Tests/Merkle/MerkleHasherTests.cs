using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

public sealed class MerkleHasherTests
{
    [Test]
    public void EmptyRoot_IsHashOfEmptyString()
    {
        Assert.That(Convert.ToHexStringLower(Sha256.EmptyRoot()), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    [Test]
    public void HashLeaf_PrefixesZeroByte()
    {
        var expected = new byte[32];
        Sha256HashAlgorithm.Instance.Hash([0x00, 0xAB], expected);

        Assert.That(Sha256.HashLeaf([0xAB]), Is.EqualTo(expected));
    }

    [Test]
    public void HashLeaf_LargeLeafBeyondStackBuffer_PrefixesZeroByte()
    {
        var leaf = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var expected = new byte[32];
        Sha256HashAlgorithm.Instance.Hash([0x00, .. leaf], expected);

        Assert.That(Sha256.HashLeaf(leaf), Is.EqualTo(expected));
    }

    [Test]
    public void HashChildren_PrefixesOneByte_AndDestinationMayAliasAnInput()
    {
        var left = Enumerable.Repeat((byte)1, 32).ToArray();
        var right = Enumerable.Repeat((byte)2, 32).ToArray();
        var expected = new byte[32];
        Sha256HashAlgorithm.Instance.Hash([0x01, .. left, .. right], expected);

        Sha256.HashChildren(left, right, right);

        Assert.That(right, Is.EqualTo(expected));
    }

    [Test]
    public void HashChildren_WrongChildLength_Throws()
    {
        Assert.That(() => Sha256.HashChildren(new byte[31], new byte[32]), Throws.ArgumentException);
    }

    [Test]
    public void Constructor_HashLongerThanMaximum_Throws()
    {
        Assert.That(() => new MerkleHasher(new OversizedHash()), Throws.ArgumentException);
    }

    private sealed class OversizedHash : IHashAlgorithm
    {
        public string Name => "oversized";

        public int HashSizeBytes => MerkleHasher.HashSizeBytesMax + 1;

        public void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => throw new NotSupportedException();
    }
}
