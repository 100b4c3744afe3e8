// Port of Ledger.Core/Merkle/MerkleProofResult.cs: the names are the C# enum member names.
export const MerkleProofResult = Object.freeze({
  Valid: 'Valid',
  /** The leaf index is not below the tree size. */
  IndexOutOfRange: 'IndexOutOfRange',
  /** The first tree size exceeds the second. */
  SizesOutOfOrder: 'SizesOutOfOrder',
  /** A leaf hash, root or proof element does not have the hash algorithm's output size. */
  WrongHashLength: 'WrongHashLength',
  /** The proof has more or fewer elements than the tree shape dictates. */
  WrongProofLength: 'WrongProofLength',
  /** The proof is well formed but recomputes a different root. */
  RootMismatch: 'RootMismatch',
});
