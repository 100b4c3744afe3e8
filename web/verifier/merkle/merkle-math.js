// Port of Ledger.Core/Merkle/MerkleMath.cs: RFC 9162 tree shape arithmetic on BigInt sizes (< 2^64).

function bitLength(value) {
  return value === 0n ? 0 : value.toString(2).length;
}

function popCount(value) {
  let count = 0;
  for (const digit of value.toString(2)) {
    count += digit === '1' ? 1 : 0;
  }
  return count;
}

function trailingZeroCount(value) {
  if (value === 0n) {
    return 64;
  }
  let count = 0;
  while ((value & 1n) === 0n) {
    value >>= 1n;
    count++;
  }
  return count;
}

export function isPowerOfTwo(value) {
  return value !== 0n && (value & (value - 1n)) === 0n;
}

/** Number of hashes in the inclusion proof of leafIndex in a tree of treeSize (requires leafIndex < treeSize). */
export function inclusionProofLength(leafIndex, treeSize) {
  const inner = bitLength(leafIndex ^ (treeSize - 1n));
  const border = popCount(leafIndex >> BigInt(inner));
  return inner + border;
}

/** Number of hashes in the consistency proof from size1 to size2 (requires 0 < size1 < size2). */
export function consistencyProofLength(size1, size2) {
  const lastIndex = size1 - 1n;
  const inner = bitLength(lastIndex ^ (size2 - 1n));
  const border = popCount(lastIndex >> BigInt(inner));
  const shift = trailingZeroCount(size1);
  const seedInProof = isPowerOfTwo(size1) ? 0 : 1;
  return seedInProof + (inner - shift) + border;
}
