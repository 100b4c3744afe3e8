namespace Ledger.Core.Merkle;

/// <summary>The leaf index is not below the tree size.</summary>
public sealed class ProofIndexOutOfRangeException(string message) : MerkleProofException(MerkleProofResult.IndexOutOfRange, message);
