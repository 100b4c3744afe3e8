// The published sample bundles (docs/samples) verified in JS give exactly the CLI's report and
// text: fixtures written by `ledger evidence verify docs/samples/X.json [--genesis
// docs/samples/genesis.json] [--content docs/samples/work-content.bin] [--output json]`
// (regenerate with web/verifier/test/fixtures/samples/regenerate.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verifyBundle } from '#ledger/index.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';

const samples = fileURLToPath(new URL('../../../docs/samples/', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/samples/', import.meta.url));
const read = (path) => new Uint8Array(readFileSync(path));

const MODES = {
  unanchored: () => ({}),
  anchored: () => ({ trustedGenesisSha256: sha256HashAlgorithm.hash(read(samples + 'genesis.json')) }),
  content: () => ({ trustedGenesisSha256: sha256HashAlgorithm.hash(read(samples + 'genesis.json')), content: read(samples + 'work-content.bin') }),
};

for (const sample of ['valid', 'valid-item', 'rejected', 'rejected-item', 'rejected-item-prior-item', 'tampered']) {
  for (const [mode, options] of Object.entries(MODES)) {
    test(`verifyBundle_${sample}_${mode}_sameReportAndTextAsCli`, () => {
      const result = verifyBundle(read(samples + sample + '.json'), options());

      assert.equal(result.malformed, null);
      const expectedReport = JSON.parse(readFileSync(fixtures + `${sample}.${mode}.json`, 'utf8'));
      assert.deepEqual(result.report, expectedReport);
      const expectedText = readFileSync(fixtures + `${sample}.${mode}.txt`, 'utf8');
      assert.deepEqual(result.text.split('\n'), expectedText.split('\n'));
    });
  }
}

test('verifyBundle_contentAsDigest_sameAsContentAsBytes', async () => {
  const { digestContent } = await import('#ledger/index.js');
  const options = MODES.content();
  const digest = digestContent(options.content, 'ed25519');

  const fromBytes = verifyBundle(read(samples + 'valid.json'), options);
  const fromDigest = verifyBundle(read(samples + 'valid.json'), { ...options, content: digest });

  assert.deepEqual(fromDigest.report, fromBytes.report);
  assert.equal(digest.sm3, null);
});
