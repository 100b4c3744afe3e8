// Port of Ledger.Core/Checkpoints/CheckpointConsistency.cs: whether a later checkpoint extends an earlier one.
import { equalBytes } from '#ledger/bytes/bytes.js';
import { checkConsistency } from '#ledger/merkle/merkle-proof-verifier.js';
import { MerkleProofResult } from '#ledger/merkle/merkle-proof-result.js';

/** Port of ConsistencyOutcome (names are the C# member names). */
export const ConsistencyOutcome = Object.freeze({
  Consistent: 'Consistent',
  SameSizeDifferentRoots: 'SameSizeDifferentRoots',
  ProofFailed: 'ProofFailed',
  DifferentOrigins: 'DifferentOrigins',
});

/**
 * Checks that smaller (size m) is a prefix of larger (size n >= m) with proof (RFC 9162 from m to n;
 * empty when m == n or m == 0). Returns { outcome, proofResult }.
 */
export function check(hasher, smaller, larger, proof) {
  if (smaller.origin !== larger.origin) {
    return { outcome: ConsistencyOutcome.DifferentOrigins, proofResult: MerkleProofResult.Valid };
  }
  if (smaller.treeSize === larger.treeSize) {
    const outcome = equalBytes(smaller.rootHash, larger.rootHash) ? ConsistencyOutcome.Consistent : ConsistencyOutcome.SameSizeDifferentRoots;
    return { outcome, proofResult: MerkleProofResult.Valid };
  }
  if (smaller.treeSize > larger.treeSize) {
    return { outcome: ConsistencyOutcome.ProofFailed, proofResult: MerkleProofResult.SizesOutOfOrder };
  }
  if (smaller.treeSize === 0n) {
    // The empty tree is a prefix of every tree; its root must still be the empty root.
    const consistent = equalBytes(smaller.rootHash, hasher.emptyRoot()) && proof.length === 0;
    return { outcome: consistent ? ConsistencyOutcome.Consistent : ConsistencyOutcome.ProofFailed, proofResult: MerkleProofResult.Valid };
  }
  const { result } = checkConsistency(hasher, smaller.treeSize, larger.treeSize, proof, smaller.rootHash, larger.rootHash);
  return { outcome: result === MerkleProofResult.Valid ? ConsistencyOutcome.Consistent : ConsistencyOutcome.ProofFailed, proofResult: result };
}
