using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

public sealed class MerkleProofVerifierTests
{
    private static readonly byte[] SomeHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");

    [TestCase(0UL, 0UL)]
    [TestCase(1UL, 1UL)]
    [TestCase(2UL, 1UL)]
    public void CheckInclusion_IndexNotBelowSize_IsIndexOutOfRange(ulong index, ulong size)
    {
        var result = MerkleProofVerifier.CheckInclusion(Sha256, index, size, SomeHash, [], SomeHash);

        Assert.That(result, Is.EqualTo(MerkleProofResult.IndexOutOfRange));
    }

    [Test]
    public void VerifyInclusion_IndexNotBelowSize_ThrowsProofIndexOutOfRange()
    {
        Assert.That(
            () => MerkleProofVerifier.VerifyInclusion(Sha256, 3, 3, SomeHash, [], SomeHash),
            Throws.TypeOf<ProofIndexOutOfRangeException>().With.Property(nameof(MerkleProofException.Reason)).EqualTo(MerkleProofResult.IndexOutOfRange));
    }

    [Test]
    public void CheckInclusion_SingleLeafTree_RootIsTheLeafHash()
    {
        Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, 0, 1, SomeHash, [], SomeHash), Is.EqualTo(MerkleProofResult.Valid));
        Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, 0, 1, SomeHash, [], Sha256.EmptyRoot()), Is.EqualTo(MerkleProofResult.RootMismatch));
    }

    [Test]
    public void CheckInclusion_ShortLeafOrRootOrElement_IsWrongHashLength()
    {
        Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, 0, 1, [], [], SomeHash), Is.EqualTo(MerkleProofResult.WrongHashLength));
        Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, 0, 1, SomeHash, [], []), Is.EqualTo(MerkleProofResult.WrongHashLength));
        Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, 0, 2, SomeHash, [new byte[31]], SomeHash), Is.EqualTo(MerkleProofResult.WrongHashLength));
    }

    [Test]
    public void VerifyInclusion_TrailingElement_ThrowsWrongProofLength()
    {
        Assert.That(
            () => MerkleProofVerifier.VerifyInclusion(Sha256, 0, 1, SomeHash, [SomeHash], SomeHash),
            Throws.TypeOf<WrongProofLengthException>());
    }

    [Test]
    public void VerifyInclusion_WrongRoot_ThrowsRootMismatch()
    {
        var tree = new MemoryMerkleTree(Sha256, 4);
        tree.AppendLeaf([1]);
        tree.AppendLeaf([2]);
        var proof = tree.BuildInclusionProof(0, 2);

        Assert.That(
            () => MerkleProofVerifier.VerifyInclusion(Sha256, 0, 2, tree.LeafHash(0), proof, SomeHash),
            Throws.TypeOf<RootMismatchException>().With.Message.Contains("expected root"));
    }

    [Test]
    public void CheckConsistency_FirstSizeAboveSecond_IsSizesOutOfOrder()
    {
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 2, 1, [], SomeHash, SomeHash), Is.EqualTo(MerkleProofResult.SizesOutOfOrder));
    }

    [Test]
    public void CheckConsistency_EqualSizes_NeedEqualRootsAndEmptyProof()
    {
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 5, 5, [], SomeHash, SomeHash), Is.EqualTo(MerkleProofResult.Valid));
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 5, 5, [], SomeHash, Sha256.EmptyRoot()), Is.EqualTo(MerkleProofResult.RootMismatch));
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 5, 5, [SomeHash], SomeHash, SomeHash), Is.EqualTo(MerkleProofResult.WrongProofLength));
    }

    [Test]
    public void CheckConsistency_FromEmptyTree_NeedsTheEmptyRootAndEmptyProof()
    {
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 0, 7, [], Sha256.EmptyRoot(), SomeHash), Is.EqualTo(MerkleProofResult.Valid));
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 0, 7, [], SomeHash, SomeHash), Is.EqualTo(MerkleProofResult.RootMismatch));
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 0, 7, [SomeHash], Sha256.EmptyRoot(), SomeHash), Is.EqualTo(MerkleProofResult.WrongProofLength));
    }

    [Test]
    public void CheckConsistency_EmptyProofBetweenDifferentSizes_IsWrongProofLength()
    {
        Assert.That(MerkleProofVerifier.CheckConsistency(Sha256, 1, 2, [], SomeHash, SomeHash), Is.EqualTo(MerkleProofResult.WrongProofLength));
    }

    [Test]
    public void MerkleProofException_ValidReason_IsRejected()
    {
        Assert.That(() => new MerkleProofException(MerkleProofResult.Valid, "x"), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
