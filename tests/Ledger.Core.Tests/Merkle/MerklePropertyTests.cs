using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// Seeded, deterministic random trees up to 5,000 leaves: every generated proof verifies, matches the
/// naive reference, and any single-bit tampering of leaf, proof, root, index or size fails (a size
/// or index change that leaves the proof shape identical is inherently undetectable and must pass).
/// </summary>
public sealed class MerklePropertyTests
{
    private const int Seed = 20261125;
    private const int TreeSizeMax = 5_000;
    private const int TreeCount = 6;
    private const int PairsPerTree = 150;
    private const int ReferenceChecksPerTree = 10;

    [Test]
    public void RandomTrees_EveryProofVerifiesAndEverySingleBitTamperingFails()
    {
        var random = new Random(Seed);
        for (var t = 0; t < TreeCount; t++)
        {
            var leafCount = random.Next(1, TreeSizeMax + 1);
            var (tree, leafHashes) = RandomTree(random, leafCount);
            for (var p = 0; p < PairsPerTree; p++)
            {
                var size = (ulong)random.Next(1, leafCount + 1);
                var index = (ulong)random.NextInt64(0, (long)size);
                var inclusion = new InclusionClaim(
                    $"tree {t}: inclusion of {index} in {size}", index, size, leafHashes[index], tree.BuildInclusionProof(index, size), tree.ComputeRoot(size));
                Assert.That(Check(inclusion), Is.EqualTo(MerkleProofResult.Valid), inclusion.Description);
                AssertSingleBitTamperingsFail(random, inclusion);

                var size1 = (ulong)random.NextInt64(0, (long)size + 1);
                var consistency = new ConsistencyClaim(
                    $"tree {t}: consistency {size1} -> {size}", size1, size, tree.BuildConsistencyProof(size1, size), tree.ComputeRoot(size1), tree.ComputeRoot(size));
                Assert.That(Check(consistency), Is.EqualTo(MerkleProofResult.Valid), consistency.Description);
                AssertSingleBitTamperingsFail(random, consistency);
            }

            for (var r = 0; r < ReferenceChecksPerTree; r++)
            {
                var size = random.Next(1, leafCount + 1);
                var index = random.Next(0, size);
                var size1 = random.Next(0, size + 1);
                Assert.That(tree.ComputeRoot((ulong)size), Is.EqualTo(ReferenceMerkle.Root(Sha256, leafHashes, 0, size)), $"root {size}");
                Assert.That(tree.BuildInclusionProof((ulong)index, (ulong)size), Is.EqualTo(ReferenceMerkle.Path(Sha256, leafHashes, index, 0, size)), $"path {index} in {size}");
                Assert.That(tree.BuildConsistencyProof((ulong)size1, (ulong)size), Is.EqualTo(ReferenceMerkle.Consistency(Sha256, leafHashes, size1, size)), $"proof {size1} -> {size}");
            }
        }
    }

    [Test]
    public void EveryIndexOfSmallTrees_ProofsVerifyAndMatchReference()
    {
        var random = new Random(Seed + 1);
        var (tree, leafHashes) = RandomTree(random, 70);
        for (var size = 1; size <= 70; size++)
        {
            var root = tree.ComputeRoot((ulong)size);
            for (var index = 0; index < size; index++)
            {
                var proof = tree.BuildInclusionProof((ulong)index, (ulong)size);
                Assert.That(proof, Is.EqualTo(ReferenceMerkle.Path(Sha256, leafHashes, index, 0, size)));
                Assert.That(MerkleProofVerifier.CheckInclusion(Sha256, (ulong)index, (ulong)size, leafHashes[index], proof, root), Is.EqualTo(MerkleProofResult.Valid));
            }

            for (var size1 = 0; size1 <= size; size1++)
            {
                var proof = tree.BuildConsistencyProof((ulong)size1, (ulong)size);
                Assert.That(proof, Is.EqualTo(ReferenceMerkle.Consistency(Sha256, leafHashes, size1, size)));
                Assert.That(
                    MerkleProofVerifier.CheckConsistency(Sha256, (ulong)size1, (ulong)size, proof, tree.ComputeRoot((ulong)size1), root),
                    Is.EqualTo(MerkleProofResult.Valid),
                    $"{size1} -> {size}");
            }
        }
    }

    private static void AssertSingleBitTamperingsFail(Random random, InclusionClaim valid)
    {
        var leaf = valid with { LeafHash = ProofMutations.Flip(valid.LeafHash, random.Next(32), random.Next(8)) };
        Assert.That(Check(leaf), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: leaf bit");
        var root = valid with { Root = ProofMutations.Flip(valid.Root, random.Next(32), random.Next(8)) };
        Assert.That(Check(root), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: root bit");
        if (valid.Proof.Length > 0)
        {
            var element = random.Next(valid.Proof.Length);
            var proof = (byte[][])valid.Proof.Clone();
            proof[element] = ProofMutations.Flip(proof[element], random.Next(32), random.Next(8));
            Assert.That(Check(valid with { Proof = proof }), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: proof[{element}] bit");
        }

        var shape = ProofShape.Inclusion(valid.Index, valid.Size, valid.Proof.Length);
        var index = valid with { Index = valid.Index ^ (1UL << random.Next(64)) };
        var size = valid with { Size = valid.Size ^ (1UL << random.Next(64)) };
        foreach (var shifted in new[] { index, size })
        {
            var indistinguishable = ProofShape.Inclusion(shifted.Index, shifted.Size, shifted.Proof.Length) == shape;
            Assert.That(
                Check(shifted),
                indistinguishable ? Is.EqualTo(MerkleProofResult.Valid) : Is.Not.EqualTo(MerkleProofResult.Valid),
                $"{valid.Description}: tampered to index {shifted.Index} size {shifted.Size}");
        }
    }

    private static void AssertSingleBitTamperingsFail(Random random, ConsistencyClaim valid)
    {
        if (valid.Size1 == 0 || valid.Size1 == valid.Size2)
        {
            return;
        }

        var root1 = valid with { Root1 = ProofMutations.Flip(valid.Root1, random.Next(32), random.Next(8)) };
        Assert.That(Check(root1), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: root1 bit");
        var root2 = valid with { Root2 = ProofMutations.Flip(valid.Root2, random.Next(32), random.Next(8)) };
        Assert.That(Check(root2), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: root2 bit");
        var element = random.Next(valid.Proof.Length);
        var proof = (byte[][])valid.Proof.Clone();
        proof[element] = ProofMutations.Flip(proof[element], random.Next(32), random.Next(8));
        Assert.That(Check(valid with { Proof = proof }), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: proof[{element}] bit");

        var shape = ProofShape.Consistency(valid.Size1, valid.Size2, valid.Proof.Length);
        var size1 = valid with { Size1 = valid.Size1 ^ (1UL << random.Next(64)) };
        var size2 = valid with { Size2 = valid.Size2 ^ (1UL << random.Next(64)) };
        foreach (var shifted in new[] { size1, size2 })
        {
            var indistinguishable = ProofShape.Consistency(shifted.Size1, shifted.Size2, shifted.Proof.Length) == shape;
            Assert.That(
                Check(shifted),
                indistinguishable ? Is.EqualTo(MerkleProofResult.Valid) : Is.Not.EqualTo(MerkleProofResult.Valid),
                $"{valid.Description}: tampered to {shifted.Size1} -> {shifted.Size2}");
        }
    }

    private static (MemoryMerkleTree Tree, byte[][] LeafHashes) RandomTree(Random random, int leafCount)
    {
        var tree = new MemoryMerkleTree(Sha256, leafCount);
        var leafHashes = new byte[leafCount][];
        var leaf = new byte[24];
        for (var i = 0; i < leafCount; i++)
        {
            random.NextBytes(leaf);
            leafHashes[i] = Sha256.HashLeaf(leaf);
            tree.AppendLeafHash(leafHashes[i]);
        }

        return (tree, leafHashes);
    }
}
