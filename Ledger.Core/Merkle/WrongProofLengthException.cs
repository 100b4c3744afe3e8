namespace Ledger.Core.Merkle;

/// <summary>The proof does not have exactly the number of hashes the tree shape requires.</summary>
public sealed class WrongProofLengthException(string message) : MerkleProofException(MerkleProofResult.WrongProofLength, message);
