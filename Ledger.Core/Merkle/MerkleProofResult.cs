namespace Ledger.Core.Merkle;

/// <summary>Outcome of checking a Merkle proof; everything but <see cref="Valid"/> names why it failed.</summary>
public enum MerkleProofResult
{
    Valid = 0,

    /// <summary>The leaf index is not below the tree size (inclusion requires 0 ≤ index &lt; size).</summary>
    IndexOutOfRange,

    /// <summary>The first tree size exceeds the second (consistency requires size1 ≤ size2).</summary>
    SizesOutOfOrder,

    /// <summary>A leaf hash, root or proof element does not have the hash algorithm's output size.</summary>
    WrongHashLength,

    /// <summary>The proof has more or fewer elements than the tree shape dictates.</summary>
    WrongProofLength,

    /// <summary>The proof is well formed but recomputes a different root (for consistency: either root).</summary>
    RootMismatch,
}
