// evidence-diff's node side (tests/Ledger.Fuzz/Evidence/JsVerifierProcess.cs starts ONE of these per run).
// Usage: node js-driver.mjs VERIFIER_INDEX_FILE_URL [--plant pass-failed:CHECK_NAME]
// Reads one JSON line per case on stdin: {id, bundleBase64, trustedGenesisSha256Hex|null, contentBase64|null}
// and writes one JSON line per case on stdout, in order:
// {id, malformed: bool, malformedMessage, verdict|null, checks: [[name, status]...], text|null, error|null}.
// --plant is a deliberately planted bug (a failed check of that name is reported as passed) so the
// fuzzer's own test can prove that it notices a verifier that disagrees.
import { createInterface } from 'node:readline';

const [verifierUrl, ...rest] = process.argv.slice(2);
if (verifierUrl === undefined) {
  process.stderr.write('usage: node js-driver.mjs VERIFIER_INDEX_FILE_URL [--plant pass-failed:CHECK_NAME]\n');
  process.exit(2);
}

let plantedPassFailed = null;
if (rest[0] === '--plant' && typeof rest[1] === 'string' && rest[1].startsWith('pass-failed:')) {
  plantedPassFailed = rest[1].slice('pass-failed:'.length);
} else if (rest.length > 0) {
  process.stderr.write(`js-driver: unknown arguments ${rest.join(' ')}\n`);
  process.exit(2);
}

const { verifyBundle } = await import(verifierUrl);

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const fromBase64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));

function run(request) {
  const options = {};
  if (request.trustedGenesisSha256Hex !== null && request.trustedGenesisSha256Hex !== undefined) {
    options.trustedGenesisSha256 = fromHex(request.trustedGenesisSha256Hex);
  }
  if (request.contentBase64 !== null && request.contentBase64 !== undefined) {
    options.content = fromBase64(request.contentBase64);
  }
  let outcome;
  try {
    outcome = verifyBundle(fromBase64(request.bundleBase64), options);
  } catch (exception) {
    return { id: request.id, malformed: false, malformedMessage: null, verdict: null, checks: [], text: null, error: `verifyBundle threw ${exception?.name}: ${exception?.message}` };
  }
  if (outcome.malformed !== null) {
    return { id: request.id, malformed: true, malformedMessage: outcome.malformed, verdict: null, checks: [], text: null, error: null };
  }
  if (outcome.report === null) {
    return { id: request.id, malformed: false, malformedMessage: null, verdict: null, checks: [], text: null, error: outcome.error ?? 'no report' };
  }
  const checks = outcome.report.checks.map((check) => [
    check.name,
    plantedPassFailed === check.name && check.status === 'failed' ? 'passed' : check.status,
  ]);
  return { id: request.id, malformed: false, malformedMessage: null, verdict: outcome.report.verdict, checks, text: outcome.text, error: null };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.length === 0) {
    continue;
  }
  const request = JSON.parse(line);
  process.stdout.write(JSON.stringify(run(request)) + '\n');
}
