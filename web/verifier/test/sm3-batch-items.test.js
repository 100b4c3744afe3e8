// Batch items that carry an SM3 content hash (issue 20; sm2-sm3 requires it): their canonical leaf
// is format 2, byte-identical to Ledger.Registry BatchItemEncoding and Ledger.Core BatchItemLeaf
// (the same golden bytes as BatchDualContentHashTests), the bundle reader takes the optional
// contentSm3, and the content check compares every hash the item names (as EvidenceVerifier.cs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verifyBundle } from '#ledger/index.js';
import { encode } from '#ledger/evidence/batch-item-leaf.js';
import { parse } from '#ledger/evidence/evidence-bundle-json.js';
import { CheckBatchItem, CheckContent, verify } from '#ledger/evidence/evidence-verifier.js';
import { toJson } from '#ledger/evidence/evidence-report-output.js';

const samples = fileURLToPath(new URL('../../../docs/samples/', import.meta.url));
const itemSample = () => JSON.parse(readFileSync(samples + 'valid-item.json', 'utf8'));
const bytesOf = (value) => new TextEncoder().encode(JSON.stringify(value));
const filled = (byte, length = 32) => new Uint8Array(length).fill(byte);
const hex = (bytes) => Buffer.from(bytes).toString('hex');

function check(report, name) {
  return toJson(report).checks.find((c) => c.name === name);
}

test('batchItemLeaf_withSm3_documentedFormat2Layout', () => {
  const item = { contentSha256: filled(0xaa), contentSm3: filled(0xbb), itemId: 'ab', perceptualHash: 0x0102030405060708n };

  const encoded = encode(item);

  const expected = [0x02, 0x03, ...filled(0xaa), ...filled(0xbb), 0x00, 0x02, 0x61, 0x62, 0x01, 1, 2, 3, 4, 5, 6, 7, 8];
  assert.deepEqual([...encoded], expected);
  const sm3Only = encode({ contentSha256: new Uint8Array(0), contentSm3: filled(0xbb), itemId: 'ab', perceptualHash: null });
  assert.deepEqual([...sm3Only], [0x02, 0x02, ...filled(0xbb), 0x00, 0x02, 0x61, 0x62, 0x00]);
});

test('batchItemLeaf_withoutSm3_format1Unchanged', () => {
  const encoded = encode({ contentSha256: filled(0xaa), itemId: 'ab', perceptualHash: null });

  assert.deepEqual([...encoded], [0x01, ...filled(0xaa), 0x00, 0x02, 0x61, 0x62, 0x00]);
  assert.deepEqual(encode({ contentSha256: filled(0xaa), contentSm3: new Uint8Array(0), itemId: 'ab', perceptualHash: null }), encoded);
});

test('batchItemLeaf_sm3OfWrongLength_throws', () => {
  assert.throws(() => encode({ contentSha256: filled(0xaa), contentSm3: filled(0xbb, 31), itemId: 'ab', perceptualHash: null }), /content_sm3 must be 32 bytes, was 31/);
});

test('verifyBundle_itemContentSm3_isPartOfTheItemLeaf', () => {
  const bundle = itemSample();
  bundle.batchItem.contentSm3 = hex(filled(0xbb));

  const result = verifyBundle(bytesOf(bundle));

  assert.equal(result.malformed, null);
  const item = result.report.checks.find((c) => c.name === CheckBatchItem);
  assert.equal(item.status, 'failed', 'the signed item carried no SM3: naming one changes its leaf');
});

test('verifyBundle_itemContentSm3OfWrongLength_malformed', () => {
  const bundle = itemSample();
  bundle.batchItem.contentSm3 = 'bb'.repeat(31);

  assert.match(verifyBundle(bytesOf(bundle)).malformed, /bundle\.batchItem\.contentSm3 must be 64 hex digits/);
});

test('verify_itemWithSha256AndSm3_contentMustMatchBoth', () => {
  const sample = itemSample();
  sample.batchItem.contentSm3 = hex(filled(0xbb));
  const bundle = parse(bytesOf(sample));
  const sha256 = bundle.batchItem.item.contentSha256;

  const both = check(verify(bundle, { content: { sha256, sm3: filled(0xbb) } }), CheckContent);
  const wrongSm3 = check(verify(bundle, { content: { sha256, sm3: filled(0xcc) } }), CheckContent);
  const noSm3 = check(verify(bundle, { content: { sha256, sm3: null } }), CheckContent);

  assert.equal(both.status, 'passed', both.detail);
  assert.equal(both.detail, `sha256 ${hex(sha256)} and sm3 match`);
  assert.equal(wrongSm3.status, 'failed');
  assert.equal(wrongSm3.detail, `file sm3 ${hex(filled(0xcc))} differs from the registered ${hex(filled(0xbb))}`);
  assert.equal(noSm3.detail, 'the registration also names an SM3 hash, but no SM3 digest of the file was computed');
});

test('verify_itemWithSm3Only_contentComparedBySm3', () => {
  const sample = itemSample();
  sample.batchItem.contentSha256 = '';
  sample.batchItem.contentSm3 = hex(filled(0xbb));
  const bundle = parse(bytesOf(sample));

  const matching = check(verify(bundle, { content: { sha256: filled(0x01), sm3: filled(0xbb) } }), CheckContent);
  const differing = check(verify(bundle, { content: { sha256: filled(0x01), sm3: filled(0xcc) } }), CheckContent);

  assert.equal(matching.status, 'passed', matching.detail);
  assert.equal(matching.detail, `sm3 ${hex(filled(0xbb))} match`);
  assert.equal(differing.status, 'failed');
});
