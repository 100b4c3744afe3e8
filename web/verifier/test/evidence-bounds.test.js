// Hostile input never escapes verifyBundle (a malformed file or a failed check, as in C#), and the
// bundle reader enforces C#'s bounds (EvidenceBundleJson, NodeSetAnchors.AnchorsMax).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verifyBundle } from '#ledger/index.js';
import { AttestationsMax, DocumentBytesMax, GovernanceChangesMax, ProofHashesMax } from '#ledger/evidence/evidence-bundle-json.js';
import { AnchorsMax } from '#ledger/evidence/node-set-anchors.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';

const samples = fileURLToPath(new URL('../../../docs/samples/', import.meta.url));
const sampleText = (name) => readFileSync(samples + name + '.json', 'utf8');
const encode = (value) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function malformedWith(mutate) {
  const bundle = JSON.parse(sampleText('valid'));
  mutate(bundle);
  return verifyBundle(encode(bundle)).malformed;
}

test('verifyBundle_proofPathOverBound_malformed', () => {
  const hash = '00'.repeat(32);
  assert.match(malformedWith((b) => { b.logInclusion.path = Array(ProofHashesMax + 1).fill(hash); }), /has more than 64 hashes/);
  assert.equal(malformedWith((b) => { b.logInclusion.path = Array(ProofHashesMax).fill(hash); }), null);
});

test('verifyBundle_anchorsOverBound_malformed', () => {
  assert.equal(AnchorsMax, 32);
  const anchor = (b) => ({ certifiedHeader: b.certifiedHeader, consistencyPath: [] });
  assert.match(malformedWith((b) => { b.nodeSetAnchors = Array(AnchorsMax + 1).fill(anchor(b)); }), /has more than 32 anchors/);
});

test('verifyBundle_governanceChangesOverBound_malformed', () => {
  assert.match(malformedWith((b) => { b.governanceChanges = Array(GovernanceChangesMax + 1).fill({}); }), /more than 4096 governance changes/);
});

test('verifyBundle_attestationsOverBound_malformed', () => {
  assert.match(malformedWith((b) => { b.certifiedHeader.attestations = Array(AttestationsMax + 1).fill(b.certifiedHeader.attestations[0]); }), /more than 64 entries/);
});

test('verifyBundle_documentOverBound_malformed', () => {
  const result = verifyBundle(new Uint8Array(DocumentBytesMax + 1));
  assert.notEqual(result.malformed, null);
  assert.equal(result.report, null);
});

test('verifyBundle_duplicateMember_malformed', () => {
  const text = sampleText('valid').replace('"position":0', '"position":0,"position":0');
  assert.equal(verifyBundle(encode(text)).malformed, "bundle has member 'position' twice");
});

test('verifyBundle_notBytes_malformedNotThrown', () => {
  assert.notEqual(verifyBundle('a string').malformed, null);
  assert.notEqual(verifyBundle(null).malformed, null);
});

test('verifyBundle_everyByteFlipped_neverThrows', () => {
  // Deterministic pseudo-random positions over the samples: a flipped byte gives a malformed file
  // or a report with a failed check, never an exception and never VALID.
  const genesisSha256 = sha256HashAlgorithm.hash(readFileSync(samples + 'genesis.json'));
  let seed = 17;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (const name of ['valid', 'valid-item', 'rejected-item-prior-item']) {
    const bytes = encode(sampleText(name));
    for (let i = 0; i < 60; i++) {
      const copy = bytes.slice();
      copy[next() % copy.length] ^= 1 << (next() % 8);
      const result = verifyBundle(copy, { trustedGenesisSha256: genesisSha256 });
      assert.ok(result.malformed !== null || result.report !== null, `${name} flip ${i}: ${result.error}`);
      if (result.report !== null) {
        assert.notEqual(result.report.verdict, 'valid');
      }
    }
  }
});
