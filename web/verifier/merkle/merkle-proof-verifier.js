// Port of Ledger.Core/Merkle/MerkleProofVerifier.cs: pure RFC 9162 proof verification (§2.1.3.2
// inclusion, §2.1.4.2 consistency) with the same preconditions, results and messages.
// Sizes and indexes are BigInt; hashes are Uint8Array; proof is an array of Uint8Array.
// check* returns { result, message }; verify* throws MerkleProofException.
import { equalBytes, toHex } from '#ledger/bytes/bytes.js';
import { consistencyProofLength, inclusionProofLength, isPowerOfTwo } from '#ledger/merkle/merkle-math.js';
import { MerkleProofException } from '#ledger/merkle/merkle-proof-exception.js';
import { MerkleProofResult } from '#ledger/merkle/merkle-proof-result.js';

const Uint64Max = (1n << 64n) - 1n;

export function checkInclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash) {
  return inclusion(hasher, BigInt(leafIndex), BigInt(treeSize), leafHash, proof, rootHash);
}

export function verifyInclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash) {
  throwUnlessValid(checkInclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash));
}

export function checkConsistency(hasher, size1, size2, proof, root1, root2) {
  return consistency(hasher, BigInt(size1), BigInt(size2), proof, root1, root2);
}

export function verifyConsistency(hasher, size1, size2, proof, root1, root2) {
  throwUnlessValid(checkConsistency(hasher, size1, size2, proof, root1, root2));
}

function throwUnlessValid({ result, message }) {
  if (result !== MerkleProofResult.Valid) {
    throw new MerkleProofException(result, message);
  }
}

function outcome(result, message = '') {
  return { result, message };
}

function checkSizes(...values) {
  for (const value of values) {
    if (value < 0n || value > Uint64Max) {
      throw new RangeError('sizes and indexes are unsigned 64-bit integers');
    }
  }
}

function inclusion(hasher, leafIndex, treeSize, leafHash, proof, rootHash) {
  checkSizes(leafIndex, treeSize);
  if (leafIndex >= treeSize) {
    return outcome(MerkleProofResult.IndexOutOfRange, `leaf index ${leafIndex} is not below tree size ${treeSize}`);
  }
  const hashSize = hasher.hashSizeBytes;
  const lengths = hashLengthsMessage(hashSize, leafHash, rootHash, proof);
  if (lengths !== null) {
    return outcome(MerkleProofResult.WrongHashLength, lengths);
  }
  const expectedLength = inclusionProofLength(leafIndex, treeSize);
  if (proof.length !== expectedLength) {
    return outcome(MerkleProofResult.WrongProofLength, `inclusion proof for leaf ${leafIndex} of ${treeSize} needs ${expectedLength} hashes, got ${proof.length}`);
  }
  let root = leafHash;
  let fn = leafIndex;
  let sn = treeSize - 1n;
  for (let i = 0; i < proof.length; i++) {
    if (sn === 0n) {
      return outcome(MerkleProofResult.WrongProofLength, `inclusion proof for leaf ${leafIndex} of ${treeSize} has hashes past the root`);
    }
    if ((fn & 1n) === 1n || fn === sn) {
      root = hasher.hashChildren(proof[i], root);
      if ((fn & 1n) === 0n) {
        // Right-border node: climb past the levels where it has no right sibling.
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      root = hasher.hashChildren(root, proof[i]);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) {
    return outcome(MerkleProofResult.WrongProofLength, `inclusion proof for leaf ${leafIndex} of ${treeSize} stops below the root`);
  }
  if (!equalBytes(root, rootHash)) {
    return outcome(MerkleProofResult.RootMismatch, `inclusion proof for leaf ${leafIndex} of ${treeSize} recomputes ${toHex(root)}, expected root ${toHex(rootHash)}`);
  }
  return outcome(MerkleProofResult.Valid);
}

function consistency(hasher, size1, size2, proof, root1, root2) {
  checkSizes(size1, size2);
  if (size1 > size2) {
    return outcome(MerkleProofResult.SizesOutOfOrder, `first size ${size1} exceeds second size ${size2}`);
  }
  const hashSize = hasher.hashSizeBytes;
  const lengths = hashLengthsMessage(hashSize, root1, root2, proof);
  if (lengths !== null) {
    return outcome(MerkleProofResult.WrongHashLength, lengths);
  }
  if (size1 === size2 || size1 === 0n) {
    // Nothing to prove beyond the roots themselves: equal sizes need equal roots, and every tree
    // extends the empty one, whose root is fixed.
    if (proof.length !== 0) {
      return outcome(MerkleProofResult.WrongProofLength, `consistency proof from ${size1} to ${size2} must be empty, got ${proof.length} hashes`);
    }
    const expected = size1 === 0n ? hasher.emptyRoot() : root2;
    if (!equalBytes(root1, expected)) {
      return outcome(MerkleProofResult.RootMismatch, `first root ${toHex(root1)} for size ${size1} should be ${toHex(expected)}`);
    }
    return outcome(MerkleProofResult.Valid);
  }
  const expectedLength = consistencyProofLength(size1, size2);
  if (proof.length !== expectedLength) {
    return outcome(MerkleProofResult.WrongProofLength, `consistency proof from ${size1} to ${size2} needs ${expectedLength} hashes, got ${proof.length}`);
  }
  // When the first tree is itself a complete subtree its root is the implicit first element.
  let first = 0;
  let fr;
  if (isPowerOfTwo(size1)) {
    fr = root1;
  } else {
    fr = proof[0];
    first = 1;
  }
  let sr = fr;
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  for (let i = first; i < proof.length; i++) {
    if (sn === 0n) {
      return outcome(MerkleProofResult.WrongProofLength, `consistency proof from ${size1} to ${size2} has hashes past the root`);
    }
    const c = proof[i];
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hasher.hashChildren(c, fr);
      sr = hasher.hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hasher.hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) {
    return outcome(MerkleProofResult.WrongProofLength, `consistency proof from ${size1} to ${size2} stops below the root`);
  }
  if (!equalBytes(fr, root1)) {
    return outcome(MerkleProofResult.RootMismatch, `consistency proof from ${size1} to ${size2} recomputes first root ${toHex(fr)}, expected ${toHex(root1)}`);
  }
  if (!equalBytes(sr, root2)) {
    return outcome(MerkleProofResult.RootMismatch, `consistency proof from ${size1} to ${size2} recomputes second root ${toHex(sr)}, expected ${toHex(root2)}`);
  }
  return outcome(MerkleProofResult.Valid);
}

/** null when every hash has the algorithm's size, else C#'s message. */
function hashLengthsMessage(hashSize, first, second, proof) {
  if (first.length !== hashSize || second.length !== hashSize) {
    return `hashes must be ${hashSize} bytes, got ${first.length} and ${second.length}`;
  }
  for (let i = 0; i < proof.length; i++) {
    const element = proof[i];
    if (element === null || element === undefined || element.length !== hashSize) {
      return `proof element ${i} must be ${hashSize} bytes, got ${element?.length ?? 'null'}`;
    }
  }
  return null;
}
