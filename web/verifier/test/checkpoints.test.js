// Checkpoint notes (node signatures of all three suites, a witness cosignature, malformed DER, high-s,
// tampered lines, malformed notes) get the same verdict, problem text, signers and witnesses as
// Ledger.Core's CheckpointVerifier; CheckpointConsistency gives the same outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '#ledger/bytes/bytes.js';
import { get } from '#ledger/crypto/crypto-suites.js';
import { Checkpoint } from '#ledger/checkpoints/checkpoint.js';
import { check } from '#ledger/checkpoints/checkpoint-consistency.js';
import { keyId as nodeKeyId } from '#ledger/checkpoints/checkpoint-signatures.js';
import { CheckpointTrust } from '#ledger/checkpoints/checkpoint-trust.js';
import { verify } from '#ledger/checkpoints/checkpoint-verifier.js';
import { keyId as witnessKeyId } from '#ledger/checkpoints/cosignature.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { loadFixture } from './fixtures.js';

const fixture = loadFixture('checkpoints.json');
const nodes = fixture.nodes.map((n) => ({ nodeId: n.nodeId, publicKey: get(n.suite).decodePublicKey(fromHex(n.publicKey)) }));
const witnesses = fixture.witnesses.map((w) => ({ name: w.name, publicKey: get('ed25519').decodePublicKey(fromHex(w.publicKey)) }));
const trust = new CheckpointTrust(fixture.origin, nodes, witnesses);

test('noteKeyIds_NodesOfEverySuiteAndWitness_SameAsCSharp', () => {
  fixture.nodes.forEach((n, i) => assert.equal(nodeKeyId(nodes[i].publicKey, fixture.origin), n.noteKeyId, n.suite));
  fixture.witnesses.forEach((w, i) => assert.equal(witnessKeyId(w.name, witnesses[i].publicKey), w.noteKeyId));
});

test('checkpointVerifier_EveryFixtureNote_SameVerdictAsCSharp', () => {
  assert.ok(fixture.notes.some((c) => c.isValid) && fixture.notes.some((c) => !c.isValid));
  for (const c of fixture.notes) {
    const result = verify(fromHex(c.noteUtf8), trust);
    const actual = {
      isValid: result.isValid,
      problem: result.problem,
      malformedReason: result.malformedReason,
      treeSize: result.checkpoint === null ? null : result.checkpoint.treeSize.toString(),
      signingNodes: [...result.signingNodes],
      witnesses: result.witnesses.map((w) => ({ name: w.name, timestampUnixSeconds: w.timestampUnixSeconds.toString() })),
      failures: [...result.failures],
    };
    const expected = {
      isValid: c.isValid,
      problem: c.problem,
      malformedReason: c.malformedReason,
      treeSize: c.treeSize,
      signingNodes: c.signingNodes,
      witnesses: c.witnesses,
      failures: c.failures,
    };
    assert.deepEqual(actual, expected, c.name);
  }
});

test('checkpointConsistency_EveryFixturePair_SameOutcomeAsCSharp', () => {
  const hasher = new MerkleHasher(sha256HashAlgorithm);
  for (const c of fixture.consistency) {
    const { outcome, proofResult } = check(hasher, Checkpoint.parse(c.smaller), Checkpoint.parse(c.larger), c.proof.map(fromHex));
    assert.deepEqual({ outcome, proofResult }, { outcome: c.outcome, proofResult: c.proofResult }, c.name);
  }
});
