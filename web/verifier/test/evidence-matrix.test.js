// The cross-check matrix (issue 17, item 5): bundles generated in C# for every suite (valid,
// rejected, tampered in every field, wrong genesis, missing governance, wrong content), each with
// what the C# verifier and `ledger evidence verify` said. The JS verifier must agree on every one:
// the same malformed-ness, the same verdict, the same name and status for every check, and, when
// no check failed, the very same report and text. (Failure details may quote exception messages,
// which differ between the runtimes; set LEDGER_MATRIX_DETAILS=1 to compare them too.)
// Runs when LEDGER_MATRIX_DIR names a directory holding cases.jsonl, e.g.
//   LEDGER_MATRIX_DIR=/work/matrix node --test verifier/test/evidence-matrix.test.js
// (LEDGER_MATRIX_FILTER=text runs only the cases whose name contains it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyBundle } from '#ledger/index.js';
import { fromHex } from '#ledger/evidence/text-encoding.js';

const directory = process.env.LEDGER_MATRIX_DIR;
const compareDetails = process.env.LEDGER_MATRIX_DETAILS === '1';
/** Optional: only the cases whose name contains this text. */
const only = process.env.LEDGER_MATRIX_FILTER ?? '';
const casesFile = directory ? join(directory, 'cases.jsonl') : null;

if (!casesFile || !existsSync(casesFile)) {
  test('evidence cross-check matrix', { skip: directory ? `${casesFile} does not exist` : 'set LEDGER_MATRIX_DIR to the directory holding cases.jsonl' }, () => {});
} else {
  const cases = readFileSync(casesFile, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line))
    .filter((c) => c.name.includes(only));
  const bySuite = new Map();
  for (const matrixCase of cases) {
    const suite = matrixCase.suite ?? '?';
    bySuite.set(suite, [...(bySuite.get(suite) ?? []), matrixCase]);
  }
  for (const [suite, suiteCases] of bySuite) {
    describe(`matrix ${suite}`, () => {
      for (const matrixCase of suiteCases) {
        test(matrixCase.name, () => checkCase(matrixCase));
      }
    });
  }
}

function options(matrixCase) {
  const result = {};
  if (matrixCase.trustedGenesisSha256) {
    result.trustedGenesisSha256 = fromHex(matrixCase.trustedGenesisSha256);
  }
  if (matrixCase.content) {
    result.content = { sha256: fromHex(matrixCase.content.sha256), sm3: matrixCase.content.sm3 ? fromHex(matrixCase.content.sm3) : null };
  }
  return result;
}

function checkCase(matrixCase) {
  const bytes = new Uint8Array(readFileSync(join(directory, matrixCase.bundle)));
  const expected = matrixCase.expected;
  const actual = verifyBundle(bytes, options(matrixCase));

  if (expected.crash) {
    // The C# reader threw something other than EvidenceFormatException (the CLI says "internal
    // error"): a C# bug. JS must still give no verdict: malformed, or no report.
    assert.equal(actual.report, null, `C# crashed (${expected.crash}), JS gave a report`);
    return;
  }
  assert.equal(actual.malformed !== null, expected.malformed !== null && expected.malformed !== undefined,
    `malformed: JS ${JSON.stringify(actual.malformed)}, C# ${JSON.stringify(expected.malformed)}`);
  if (expected.malformed !== null && expected.malformed !== undefined) {
    return;
  }
  if (expected.report === null || expected.report === undefined) {
    // C# could not print a report for it (an output error); JS must not print one either.
    assert.equal(actual.report, null, `C# printed no report (${expected.outputError ?? expected.crash ?? '?'}), JS did`);
    return;
  }
  assert.notEqual(actual.report, null, `JS printed no report: ${actual.error}`);
  assert.equal(actual.report.verdict, expected.report.verdict, `verdict (C# conclusion: ${expected.report.conclusion}; JS: ${actual.report.conclusion})`);
  assert.deepEqual(
    actual.report.checks.map((c) => `${c.name}: ${c.status}`),
    expected.report.checks.map((c) => `${c.name}: ${c.status}`),
    'check names and statuses');
  const anyFailed = expected.report.checks.some((c) => c.status === 'failed');
  if (!anyFailed || compareDetails) {
    assert.deepEqual(actual.report, expected.report, 'report');
    if (typeof expected.text === 'string') {
      assert.deepEqual(actual.text.split('\n'), expected.text.split('\n'), 'text');
    }
  }
}
