// RFC 6962 / 9162 vectors (tests/Ledger.Core.Tests/Merkle/Vectors/rfc6962-proofs.jsonl, checked against
// Go's sumdb/tlog) through the JS port of MerkleProofVerifier, with mutated negatives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex } from '#ledger/bytes/bytes.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { checkConsistency, checkInclusion, verifyInclusion } from '#ledger/merkle/merkle-proof-verifier.js';
import { MerkleProofResult } from '#ledger/merkle/merkle-proof-result.js';
import { MerkleProofException } from '#ledger/merkle/merkle-proof-exception.js';

const vectorPath = new URL('../../../tests/Ledger.Core.Tests/Merkle/Vectors/rfc6962-proofs.jsonl', import.meta.url);
const lines = readFileSync(vectorPath, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
const hasher = new MerkleHasher(sha256HashAlgorithm);
const inclusions = lines.filter((line) => line.type === 'inclusion');
const consistencies = lines.filter((line) => line.type === 'consistency');

function flipBit(bytes) {
  const copy = Uint8Array.from(bytes);
  copy[0] ^= 1;
  return copy;
}

test('checkInclusion_Rfc6962Vectors_AllValid', () => {
  assert.ok(inclusions.length >= 300);
  for (const v of inclusions) {
    const { result, message } = checkInclusion(hasher, BigInt(v.index), BigInt(v.size), fromHex(v.leaf_hash), v.proof.map(fromHex), fromHex(v.root));
    assert.equal(result, MerkleProofResult.Valid, `${v.index}/${v.size}: ${message}`);
  }
});

test('checkInclusion_MutatedVectors_RejectedWithReason', () => {
  for (const v of inclusions) {
    const leaf = fromHex(v.leaf_hash);
    const root = fromHex(v.root);
    const proof = v.proof.map(fromHex);
    const index = BigInt(v.index);
    const size = BigInt(v.size);
    assert.equal(checkInclusion(hasher, index, size, flipBit(leaf), proof, root).result, MerkleProofResult.RootMismatch);
    assert.equal(checkInclusion(hasher, index, size, leaf, proof, flipBit(root)).result, MerkleProofResult.RootMismatch);
    assert.equal(checkInclusion(hasher, index, size, leaf, [...proof, root], root).result, MerkleProofResult.WrongProofLength);
    assert.equal(checkInclusion(hasher, size, size, leaf, proof, root).result, MerkleProofResult.IndexOutOfRange);
    if (proof.length > 0) {
      assert.equal(checkInclusion(hasher, index, size, leaf, [flipBit(proof[0]), ...proof.slice(1)], root).result, MerkleProofResult.RootMismatch);
      assert.equal(checkInclusion(hasher, index, size, leaf, proof.slice(1), root).result, MerkleProofResult.WrongProofLength);
      assert.equal(checkInclusion(hasher, index, size, leaf, [proof[0].subarray(1), ...proof.slice(1)], root).result, MerkleProofResult.WrongHashLength);
    }
  }
});

test('checkInclusion_IndexNotBelowSize_SameMessageAsCSharp', () => {
  const zero = new Uint8Array(32);
  assert.deepEqual(checkInclusion(hasher, 5n, 5n, zero, [], zero), { result: 'IndexOutOfRange', message: 'leaf index 5 is not below tree size 5' });
  assert.throws(() => verifyInclusion(hasher, 5n, 5n, zero, [], zero), (error) => error instanceof MerkleProofException && error.reason === 'IndexOutOfRange');
});

test('checkConsistency_Rfc6962Vectors_AllValid', () => {
  assert.ok(consistencies.length >= 300);
  for (const v of consistencies) {
    const { result, message } = checkConsistency(hasher, BigInt(v.size1), BigInt(v.size), v.proof.map(fromHex), fromHex(v.root1), fromHex(v.root));
    assert.equal(result, MerkleProofResult.Valid, `${v.size1}->${v.size}: ${message}`);
  }
});

test('checkConsistency_MutatedVectors_RejectedWithReason', () => {
  for (const v of consistencies) {
    const root1 = fromHex(v.root1);
    const root2 = fromHex(v.root);
    const proof = v.proof.map(fromHex);
    const size1 = BigInt(v.size1);
    const size2 = BigInt(v.size);
    assert.notEqual(checkConsistency(hasher, size1, size2, proof, flipBit(root1), root2).result, MerkleProofResult.Valid);
    assert.notEqual(checkConsistency(hasher, size1, size2, proof, root1, flipBit(root2)).result, MerkleProofResult.Valid);
    assert.equal(checkConsistency(hasher, size1, size2, [...proof, root1], root1, root2).result, MerkleProofResult.WrongProofLength);
    if (size1 < size2) {
      assert.equal(checkConsistency(hasher, size2, size1, proof, root1, root2).result, MerkleProofResult.SizesOutOfOrder);
    }
    if (proof.length > 0) {
      assert.equal(checkConsistency(hasher, size1, size2, [flipBit(proof[0]), ...proof.slice(1)], root1, root2).result, MerkleProofResult.RootMismatch);
    }
  }
});

test('emptyRoot_IsSha256OfNothing', () => {
  const root = lines.find((line) => line.type === 'root' && line.size === 0);
  assert.deepEqual(hasher.emptyRoot(), fromHex(root.root));
});
