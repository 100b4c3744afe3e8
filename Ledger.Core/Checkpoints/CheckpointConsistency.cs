using Ledger.Core.Merkle;

namespace Ledger.Core.Checkpoints;

/// <summary>Whether a later checkpoint extends an earlier one.</summary>
public enum ConsistencyOutcome
{
    /// <summary>Same tree, or the proof shows the older tree is a prefix of the newer one.</summary>
    Consistent,

    /// <summary>Same origin and size, different roots: two histories, no proof needed.</summary>
    SameSizeDifferentRoots,

    /// <summary>The consistency proof between the two sizes does not verify.</summary>
    ProofFailed,

    /// <summary>The checkpoints are of different logs (origins); nothing to compare.</summary>
    DifferentOrigins,
}

/// <summary>
/// Compares two checkpoints of one log with RFC 9162 consistency proofs (Ledger.Core.Merkle):
/// the one rule the witness and the fork evidence verifier share.
/// </summary>
public static class CheckpointConsistency
{
    /// <summary>
    /// Checks that <paramref name="smaller"/> (size m) is a prefix of <paramref name="larger"/> (size n ≥ m)
    /// with <paramref name="proof"/> (the RFC 9162 proof from m to n; empty when m == n or m == 0).
    /// </summary>
    public static ConsistencyOutcome Check(MerkleHasher hasher, Checkpoint smaller, Checkpoint larger, IReadOnlyList<byte[]> proof, out MerkleProofResult proofResult)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(smaller);
        ArgumentNullException.ThrowIfNull(larger);
        ArgumentNullException.ThrowIfNull(proof);
        proofResult = MerkleProofResult.Valid;
        if (!string.Equals(smaller.Origin, larger.Origin, StringComparison.Ordinal))
        {
            return ConsistencyOutcome.DifferentOrigins;
        }

        if (smaller.TreeSize == larger.TreeSize)
        {
            return smaller.RootHash.SequenceEqual(larger.RootHash) ? ConsistencyOutcome.Consistent : ConsistencyOutcome.SameSizeDifferentRoots;
        }

        if (smaller.TreeSize > larger.TreeSize)
        {
            proofResult = MerkleProofResult.SizesOutOfOrder;
            return ConsistencyOutcome.ProofFailed;
        }

        if (smaller.TreeSize == 0)
        {
            // The empty tree is a prefix of every tree; its root must still be the empty root.
            return smaller.RootHash.SequenceEqual(hasher.EmptyRoot()) && proof.Count == 0 ? ConsistencyOutcome.Consistent : ConsistencyOutcome.ProofFailed;
        }

        proofResult = MerkleProofVerifier.CheckConsistency(hasher, smaller.TreeSize, larger.TreeSize, proof, smaller.RootHash, larger.RootHash);
        return proofResult == MerkleProofResult.Valid ? ConsistencyOutcome.Consistent : ConsistencyOutcome.ProofFailed;
    }
}
