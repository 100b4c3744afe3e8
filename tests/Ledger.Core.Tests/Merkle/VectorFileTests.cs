using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

/// <summary>The shared vector file (checked by Go's sumdb/tlog), cross-checked against our builder, verifier and the naive reference.</summary>
public sealed class VectorFileTests
{
    private static readonly Lazy<VectorFile> Vectors = new(VectorFile.Load);

    [Test]
    public void VectorFile_Loads_AllSections()
    {
        var vectors = Vectors.Value;

        Assert.That(vectors.Leaves, Has.Length.EqualTo(300));
        Assert.That(vectors.Roots, Is.Not.Empty);
        Assert.That(vectors.Inclusions, Is.Not.Empty);
        Assert.That(vectors.Consistencies, Is.Not.Empty);
    }

    [Test]
    public void Leaves_FollowTheDocumentedPattern()
    {
        var leaves = Vectors.Value.Leaves;

        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.That(leaves[i], Is.EqualTo(Enumerable.Repeat((byte)(i % 256), (i % 7) + 1).ToArray()), $"leaf {i}");
        }
    }

    [Test]
    public void Roots_MatchMemoryTreeCompactTreeAndReference()
    {
        var vectors = Vectors.Value;
        var tree = BuildTree(vectors.Leaves);
        var leafHashes = vectors.Leaves.Select(leaf => Sha256.HashLeaf(leaf)).ToArray();

        foreach (var (size, root) in vectors.Roots)
        {
            var compact = new CompactMerkleTree(Sha256);
            for (var i = 0; i < (int)size; i++)
            {
                compact.AppendLeafHash(leafHashes[i]);
            }

            Assert.That(tree.ComputeRoot(size), Is.EqualTo(root), $"memory tree root at {size}");
            Assert.That(compact.ComputeRoot(), Is.EqualTo(root), $"compact tree root at {size}");
            Assert.That(ReferenceMerkle.Root(Sha256, leafHashes, 0, (int)size), Is.EqualTo(root), $"reference root at {size}");
        }
    }

    [Test]
    public void InclusionVectors_AreBuiltExactlyByOurBuilder()
    {
        var vectors = Vectors.Value;
        var tree = BuildTree(vectors.Leaves);

        foreach (var claim in vectors.Inclusions)
        {
            Assert.That(tree.LeafHash(claim.Index), Is.EqualTo(claim.LeafHash), claim.Description);
            Assert.That(tree.ComputeRoot(claim.Size), Is.EqualTo(claim.Root), claim.Description);
            Assert.That(tree.BuildInclusionProof(claim.Index, claim.Size), Is.EqualTo(claim.Proof), claim.Description);
        }
    }

    [Test]
    public void ConsistencyVectors_AreBuiltExactlyByOurBuilder()
    {
        var vectors = Vectors.Value;
        var tree = BuildTree(vectors.Leaves);

        foreach (var claim in vectors.Consistencies)
        {
            Assert.That(tree.ComputeRoot(claim.Size1), Is.EqualTo(claim.Root1), claim.Description);
            Assert.That(tree.BuildConsistencyProof(claim.Size1, claim.Size2), Is.EqualTo(claim.Proof), claim.Description);
        }
    }

    [Test]
    public void InclusionVectors_VerifyAndEveryMutationFails()
    {
        foreach (var claim in Vectors.Value.Inclusions)
        {
            ValidAndTamperEvident(claim);
        }
    }

    [Test]
    public void ConsistencyVectors_VerifyAndEveryMutationFails()
    {
        foreach (var claim in Vectors.Value.Consistencies)
        {
            ValidAndTamperEvident(claim);
        }
    }

    private static MemoryMerkleTree BuildTree(byte[][] leaves)
    {
        var tree = new MemoryMerkleTree(Sha256, leaves.Length);
        foreach (var leaf in leaves)
        {
            tree.AppendLeaf(leaf);
        }

        return tree;
    }
}
