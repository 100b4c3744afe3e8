using Ledger.Core.Hashing;
using Ledger.Core.Merkle;

namespace Ledger.Core.Tests.Merkle;

internal static class ProofAssertions
{
    public static readonly MerkleHasher Sha256 = new(Sha256HashAlgorithm.Instance);

    public static MerkleProofResult Check(InclusionClaim claim) =>
        MerkleProofVerifier.CheckInclusion(Sha256, claim.Index, claim.Size, claim.LeafHash, claim.Proof, claim.Root);

    public static MerkleProofResult Check(ConsistencyClaim claim) =>
        MerkleProofVerifier.CheckConsistency(Sha256, claim.Size1, claim.Size2, claim.Proof, claim.Root1, claim.Root2);

    /// <summary>The claim verifies, and every mutation of it fails (shifts only where the proof shape changes).</summary>
    public static void ValidAndTamperEvident(InclusionClaim valid)
    {
        Assert.That(Check(valid), Is.EqualTo(MerkleProofResult.Valid), valid.Description);
        foreach (var mutated in ProofMutations.Of(valid))
        {
            Assert.That(Check(mutated), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: {mutated.Description}");
        }

        var shape = ProofShape.Inclusion(valid.Index, valid.Size, valid.Proof.Length);
        foreach (var shifted in ProofMutations.ShiftsOf(valid))
        {
            var indistinguishable = ProofShape.Inclusion(shifted.Index, shifted.Size, shifted.Proof.Length) == shape;
            var expected = indistinguishable ? Is.EqualTo(MerkleProofResult.Valid) : Is.Not.EqualTo(MerkleProofResult.Valid);
            Assert.That(Check(shifted), expected, $"{valid.Description}: {shifted.Description} (same shape: {indistinguishable})");
        }
    }

    public static void ValidAndTamperEvident(ConsistencyClaim valid)
    {
        Assert.That(Check(valid), Is.EqualTo(MerkleProofResult.Valid), valid.Description);
        if (valid.Proof.Length == 0)
        {
            return;
        }

        foreach (var mutated in ProofMutations.Of(valid))
        {
            Assert.That(Check(mutated), Is.Not.EqualTo(MerkleProofResult.Valid), $"{valid.Description}: {mutated.Description}");
        }

        var shape = ProofShape.Consistency(valid.Size1, valid.Size2, valid.Proof.Length);
        foreach (var shifted in ProofMutations.ShiftsOf(valid))
        {
            var indistinguishable = ProofShape.Consistency(shifted.Size1, shifted.Size2, shifted.Proof.Length) == shape;
            var expected = indistinguishable ? Is.EqualTo(MerkleProofResult.Valid) : Is.Not.EqualTo(MerkleProofResult.Valid);
            Assert.That(Check(shifted), expected, $"{valid.Description}: {shifted.Description} (same shape: {indistinguishable})");
        }
    }
}
