// Dev tool: per-suite time of verifyBundle under node on the matrix's valid bundles (and the
// governance one when present): first call (cold: key decoding, curve tables) and the median of 20
// (wall clock, and CPU time, which a loaded machine distorts less).
// Usage: node verifier/test/tools/time-verify.mjs /work/matrix
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyBundle } from '#ledger/index.js';
import { fromHex } from '#ledger/evidence/text-encoding.js';

if (process.argv[2] === undefined) {
  // `node --test verifier/test/` runs every file under test/: a tool without its argument does nothing.
  console.log('usage: node verifier/test/tools/time-verify.mjs MATRIX_DIR');
  process.exit(0);
}

const directory = process.argv[2];
const cases = readFileSync(join(directory, 'cases.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
for (const suffix of ['/valid', '/item-valid', '/governance']) {
  for (const matrixCase of cases.filter((c) => c.name.endsWith(suffix))) {
    const bytes = new Uint8Array(readFileSync(join(directory, matrixCase.bundle)));
    const options = matrixCase.trustedGenesisSha256 ? { trustedGenesisSha256: fromHex(matrixCase.trustedGenesisSha256) } : {};
    let start = performance.now();
    const first = verifyBundle(bytes, options);
    const cold = performance.now() - start;
    const times = [];
    const cpu = [];
    for (let i = 0; i < 20; i++) {
      start = performance.now();
      const cpuStart = process.cpuUsage();
      verifyBundle(bytes, options);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(`${matrixCase.name.padEnd(28)} ${String(bytes.length).padStart(6)} bytes  ${first.report?.verdict ?? first.malformed}  cold ${cold.toFixed(0)} ms, median ${times[10].toFixed(1)} ms wall, ${cpu[10].toFixed(1)} ms CPU`);
  }
}
