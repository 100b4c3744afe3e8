namespace Ledger.Core.Merkle;

/// <summary>The proof recomputes a root different from the one expected.</summary>
public sealed class RootMismatchException(string message) : MerkleProofException(MerkleProofResult.RootMismatch, message);
