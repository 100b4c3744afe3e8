// The vendored bundles the verifier imports are the pinned files web/vendor/build.sh wrote
// (same check as the C# VendorFilesTests, here for whoever runs only the node tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const vendor = new URL('../../vendor/', import.meta.url);

test('vendorFiles_EveryEntryOfSha256Sums_MatchesItsFile', () => {
  const lines = readFileSync(new URL('SHA256SUMS', vendor), 'utf8').split('\n').filter((line) => line !== '');
  assert.ok(lines.some((line) => line.endsWith('.js')));
  for (const line of lines) {
    const [sha256, path] = line.split('  ');
    const actual = createHash('sha256').update(readFileSync(new URL(path, vendor))).digest('hex');
    assert.equal(actual, sha256, path);
  }
});
