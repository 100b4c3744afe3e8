// The three suites agree with Ledger.Core's on key decoding, key ids and every signature case the C#
// generator wrote, hostile ones included (high-s, r or s out of range, small-order and mixed-order
// Ed25519 keys, non-canonical S, SM2 points off the curve or beyond the field).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '#ledger/bytes/bytes.js';
import { get, tryGet, names } from '#ledger/crypto/crypto-suites.js';
import { InvalidKeyException } from '#ledger/crypto/invalid-key-exception.js';
import { UnknownSuiteException } from '#ledger/crypto/unknown-suite-exception.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { checkConsistency, checkInclusion } from '#ledger/merkle/merkle-proof-verifier.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { sm3HashAlgorithm } from '#ledger/hashing/sm3-hash-algorithm.js';
import { loadFixture } from './fixtures.js';

const fixture = loadFixture('crypto.json');
const algorithms = { sha256: sha256HashAlgorithm, sm3: sm3HashAlgorithm };

test('cryptoSuites_Names_SameAsCSharp', () => {
  assert.deepEqual([...names], fixture.suites.map((s) => s.suite));
  for (const s of fixture.suites) {
    const suite = get(s.suite);
    assert.equal(suite.hash.name, s.hash);
    assert.equal(suite.publicKeySizeBytes, s.publicKeySizeBytes);
    assert.equal(suite.signatureSizeBytes, 64);
  }
});

test('get_UnknownName_ThrowsWithCSharpMessage', () => {
  for (const c of fixture.unknownSuites) {
    assert.equal(tryGet(c.name), null);
    assert.throws(() => get(c.name), (error) => error instanceof UnknownSuiteException && error.message === c.message);
  }
});

for (const s of fixture.suites) {
  test(`decodePublicKey_${s.suite}_AgreesWithCSharpOnEveryKey`, () => {
    const suite = get(s.suite);
    for (const c of s.keys) {
      const encoded = fromHex(c.publicKey);
      assert.equal(toHex(suite.deriveKeyId(encoded)), c.keyId, c.name);
      const key = suite.tryDecodePublicKey(encoded);
      assert.equal(key !== null, c.decodes, `${s.suite} ${c.name}`);
      if (c.decodes) {
        assert.equal(toHex(key.keyId), c.keyId);
      } else {
        assert.throws(() => suite.decodePublicKey(encoded), (error) => error instanceof InvalidKeyException && error.message === c.error, `${s.suite} ${c.name}`);
      }
    }
  });

  test(`verify_${s.suite}_AgreesWithCSharpOnEverySignature`, () => {
    const suite = get(s.suite);
    assert.ok(s.signatures.some((c) => c.valid) && s.signatures.some((c) => !c.valid));
    for (const c of s.signatures) {
      const key = suite.tryDecodePublicKey(fromHex(c.publicKey));
      const valid = key !== null && suite.verify(key, fromHex(c.message), fromHex(c.signature));
      assert.equal(valid, c.valid, `${s.suite} ${c.name}`);
    }
  });
}

test('verify_KeyOfAnotherSuite_False', () => {
  const ed = fixture.suites.find((s) => s.suite === 'ed25519');
  const p256 = fixture.suites.find((s) => s.suite === 'p256-sha256');
  const key = get('ed25519').decodePublicKey(fromHex(ed.keys[0].publicKey));
  const valid = ed.signatures.find((c) => c.name === 'valid');
  assert.equal(get('ed25519').verify(key, fromHex(valid.message), fromHex(valid.signature)), true);
  assert.equal(get('p256-sha256').verify(key, fromHex(valid.message), fromHex(valid.signature)), false);
  assert.ok(p256);
});

test('hash_Sha256AndSm3_SameDigestsAndLeafHashesAsCSharp', () => {
  for (const c of fixture.hashes) {
    const algorithm = algorithms[c.algorithm];
    assert.equal(toHex(algorithm.hash(fromHex(c.input))), c.digest, `${c.algorithm} ${c.name}`);
    assert.equal(toHex(new MerkleHasher(algorithm).hashLeaf(fromHex(c.input))), c.merkleLeafHash, `${c.algorithm} ${c.name}`);
  }
});

test('merkleProofs_Sha256AndSm3Trees_VerifyAsCSharpBuiltThem', () => {
  for (const tree of fixture.merkleTrees) {
    const hasher = new MerkleHasher(algorithms[tree.algorithm]);
    assert.equal(toHex(hasher.emptyRoot()), tree.emptyRoot);
    for (const c of tree.inclusion) {
      const proof = c.proof.map(fromHex);
      assert.equal(toHex(hasher.hashLeaf(fromHex(tree.leaves[Number(c.leafIndex)]))), c.leafHash);
      assert.equal(checkInclusion(hasher, BigInt(c.leafIndex), BigInt(c.treeSize), fromHex(c.leafHash), proof, fromHex(c.root)).result, 'Valid');
    }
    for (const c of tree.consistency) {
      assert.equal(checkConsistency(hasher, BigInt(c.size1), BigInt(c.size2), c.proof.map(fromHex), fromHex(c.root1), fromHex(c.root2)).result, 'Valid');
    }
  }
});
