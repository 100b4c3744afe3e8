// Dev tool (not run by the tests): writes mutated copies of docs/samples bundles into DIR with an
// inputs.jsonl that a C# harness turns into a cross-check cases.jsonl (the matrix format that
// evidence-matrix.test.js reads): every JSON member changed, removed, duplicated, re-spelled;
// genesis documents bent in every way System.Text.Json might accept or refuse; transaction and
// envelope protobuf bytes made non-canonical or malformed.
// Usage: node verifier/test/tools/make-mutations.mjs DIR
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { fromBase64, toBase64, toHex } from '#ledger/evidence/text-encoding.js';

if (process.argv[2] === undefined) {
  // `node --test verifier/test/` runs every file under test/: a tool without its argument does nothing.
  console.log('usage: node verifier/test/tools/make-mutations.mjs DIR');
  process.exit(0);
}

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const samples = fileURLToPath(new URL('../../../../docs/samples/', import.meta.url));
const genesisHex = toHex(sha256HashAlgorithm.hash(readFileSync(samples + 'genesis.json')));
copyFileSync(samples + 'work-content.bin', out + '/work-content.bin');
writeFileSync(out + '/other-content.bin', 'not the registered work');

const inputs = [];
let n = 0;
function emit(name, text, { anchored = true, content = null, trusted = null } = {}) {
  const file = `m${String(n++).padStart(5, '0')}.json`;
  writeFileSync(`${out}/${file}`, text);
  inputs.push({ name, bundle: file, suite: 'ed25519', trustedGenesisSha256: trusted ?? (anchored ? genesisHex : null), contentFile: content });
}

const SAMPLES = ['valid', 'valid-item', 'rejected', 'rejected-item', 'rejected-item-prior-item', 'tampered'];

// --- A: every leaf of every sample, changed ---
function leaves(value, path = []) {
  if (value !== null && typeof value === 'object') {
    const own = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return [[path, value], ...own.flatMap(([k, v]) => leaves(v, [...path, k]))];
  }
  return [[path, value]];
}
const setAt = (root, path, value) => {
  const copy = structuredClone(root);
  if (path.length === 0) return value;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
};
const isHex = (s) => /^[0-9a-f]*$/.test(s) && s.length % 2 === 0;

for (const sample of SAMPLES) {
  const text = readFileSync(samples + sample + '.json', 'utf8');
  const bundle = JSON.parse(text);
  emit(`${sample}/as-is`, text);
  emit(`${sample}/unanchored`, text, { anchored: false });
  emit(`${sample}/content`, text, { content: 'work-content.bin' });
  emit(`${sample}/wrong-content`, text, { content: 'other-content.bin' });
  emit(`${sample}/wrong-genesis`, text, { trusted: 'ab'.repeat(32) });
  for (const [path, value] of leaves(bundle)) {
    const where = `${sample}/${path.join('.')}`;
    const variants = [];
    if (typeof value === 'string') {
      if (isHex(value) && value.length > 0) {
        variants.push(['flip', value.slice(0, -1) + (value.at(-1) === '0' ? '1' : '0')]);
        variants.push(['upper', value.toUpperCase()]);
        variants.push(['short', value.slice(0, -2)]);
      } else if (fromBase64(value) !== null && value.length >= 8) {
        const bytes = fromBase64(value);
        for (const at of [0, 1, Math.floor(bytes.length / 2), bytes.length - 1]) {
          const b = bytes.slice();
          b[at] ^= 1;
          variants.push([`bit${at}`, toBase64(b)]);
        }
        variants.push(['truncated', toBase64(bytes.slice(0, bytes.length - 1))]);
        variants.push(['spaced', value.slice(0, 4) + ' ' + value.slice(4)]);
      } else {
        variants.push(['x', value + 'x']);
      }
      variants.push(['empty', '']);
      variants.push(['number', 7]);
    } else if (typeof value === 'number') {
      variants.push(['plus1', value + 1], ['zero', 0], ['minus1', -1], ['big', 4294967296], ['string', String(value)]);
      variants.push(['raw-1.0', { raw: `${value}.0` }], ['raw-u64max', { raw: '18446744073709551615' }], ['raw-u64over', { raw: '18446744073709551616' }]);
    } else if (Array.isArray(value)) {
      if (value.length > 0) {
        variants.push(['drop-last', value.slice(0, -1)], ['drop-first', value.slice(1)], ['dup-first', [value[0], ...value]], ['reversed', [...value].reverse()]);
      }
      variants.push(['empty', []], ['null', null]);
    } else if (value !== null && typeof value === 'object') {
      if (path.length > 0) {
        variants.push(['null', null], ['array', []]);
      }
      const keys = Object.keys(value);
      if (keys.length > 0) {
        const { [keys[0]]: _, ...rest } = value;
        variants.push(['missing-first', rest]);
        variants.push(['unknown', { ...value, extra: 1 }]);
      }
    } else if (value === null) {
      variants.push(['object', {}], ['string', '']);
    }
    for (const [label, replacement] of variants) {
      let json;
      if (replacement !== null && typeof replacement === 'object' && 'raw' in replacement && Object.keys(replacement).length === 1) {
        json = JSON.stringify(setAt(bundle, path, '@@RAW@@')).replace('"@@RAW@@"', replacement.raw);
      } else {
        json = JSON.stringify(setAt(bundle, path, replacement));
      }
      emit(`${where}:${label}`, json);
    }
  }
}

// --- A2: each sample rewritten as a format 1 bundle (no item outcomes, prior, checkpoint, anchors) ---
for (const sample of SAMPLES) {
  const v1 = JSON.parse(readFileSync(samples + sample + '.json', 'utf8'));
  v1.formatVersion = 1;
  delete v1.priorRegistration;
  delete v1.checkpoint;
  delete v1.nodeSetAnchors;
  const results = [v1.result, ...v1.governanceChanges.map((c) => c.result)];
  for (const result of results) {
    delete result.itemOutcomesRoot;
  }
  if (v1.batchItem) {
    delete v1.batchItem.outcome;
    delete v1.batchItem.outcomeProof;
  }
  emit(`v1/${sample}`, JSON.stringify(v1));
}

// --- B: the bundle's text re-spelled ---
const valid = readFileSync(samples + 'valid.json', 'utf8');
const rawVariants = {
  bom: '\ufeff' + valid,
  'leading-space': ' ' + valid,
  'trailing-newline': valid + '\n',
  'trailing-comma': valid.replace(/}$/, ',}'),
  comment: valid.replace(/^{/, '{/*c*/'),
  'duplicate-format': valid.replace(/^{/, '{"format":"ledger-evidence-bundle",'),
  'duplicate-position': valid.replace(/"position":0/, '"position":0,"position":0'),
  'escaped-name': valid.replace('"txHash"', '"tx\\u0048ash"'),
  'escaped-value': valid.replace('"ledger-evidence-bundle"', '"ledger\\u002devidence-bundle"'),
  'version-1': valid.replace('"formatVersion":2', '"formatVersion":1'),
  'version-2.0': valid.replace('"formatVersion":2', '"formatVersion":2.0'),
  'version-3': valid.replace('"formatVersion":2', '"formatVersion":3'),
  'version-string': valid.replace('"formatVersion":2', '"formatVersion":"2"'),
  'no-version': valid.replace('"formatVersion":2,', ''),
  'array-root': '[' + valid + ']',
  'null-root': 'null',
  empty: '',
  'two-values': valid + valid,
  'deep': valid.replace('"batchItem":null', '"batchItem":[[[[[[[[[[]]]]]]]]]]'),
  'invalid-utf8': valid.replace('sample-chain', 'sample-chain\udc00'),
  'reordered': JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(valid)).reverse())),
  'indented': JSON.stringify(JSON.parse(valid), null, 2),
};
Object.assign(rawVariants, {
  'lone-surrogate-value': valid.replace('"reason":""', '"reason":"\\ud800"'),
  'lone-surrogate-name': valid.replace('"txHash"', '"\\udc00txHash"'),
  'paired-surrogate-reason': valid.replace('"reason":""', '"reason":"\\ud83d\\ude00"'),
  'nul-escape-reason': valid.replace('"reason":""', '"reason":"\\u0000"'),
  'escaped-hex': valid.replace(/"txHash":"(.)/, (m, c) => `"txHash":"\\u00${c.charCodeAt(0).toString(16)}`),
  'timestamp-minus0': valid.replace(/"timestampUnixMs":\d+/, '"timestampUnixMs":-0'),
  'timestamp-negative': valid.replace(/"timestampUnixMs":\d+/, '"timestampUnixMs":-1'),
  'timestamp-huge': valid.replace(/"timestampUnixMs":\d+/, '"timestampUnixMs":9223372036854775807'),
  'timestamp-before-year-1': valid.replace(/"timestampUnixMs":\d+/, '"timestampUnixMs":-62135596800001'),
  'height-1e400': valid.replace('"blockHeight":1', '"blockHeight":1E400'),
  'tab-whitespace': valid.replace('{', '{\t'),
  'formfeed-whitespace': valid.replace('{', '{\f'),
  'control-in-string': valid.replace('"reason":""', '"reason":"\u0001"'),
});
for (const [label, text] of Object.entries(rawVariants)) {
  emit(`raw/${label}`, text);
}
const validBytes = new TextEncoder().encode(valid);
function emitBytes(label, bytes) {
  const file = `m${String(n++).padStart(5, '0')}.json`;
  writeFileSync(`${out}/${file}`, bytes);
  inputs.push({ name: `bytes/${label}`, bytes: true, bundle: file, suite: 'ed25519', trustedGenesisSha256: genesisHex, contentFile: null });
}
const reasonAt = valid.indexOf('"reason":""') + '"reason":"'.length;
const insertAt = (at, extra) => Uint8Array.from([...validBytes.slice(0, at), ...extra, ...validBytes.slice(at)]);
emitBytes('invalid-utf8-in-string', insertAt(reasonAt, [0xc3, 0x28]));
emitBytes('overlong-utf8-in-string', insertAt(reasonAt, [0xc0, 0xaf]));
emitBytes('surrogate-utf8-in-string', insertAt(reasonAt, [0xed, 0xa0, 0x80]));
emitBytes('valid-utf8-in-string', insertAt(reasonAt, [0xc3, 0xa9]));
emitBytes('invalid-utf8-between-tokens', insertAt(1, [0xff]));
emitBytes('nul-byte-in-string', insertAt(reasonAt, [0x00]));
emitBytes('del-in-string', insertAt(reasonAt, [0x7f]));

// --- C: the genesis document bent (bundle otherwise valid; unanchored so the parse decides) ---
const genesisText = readFileSync(samples + 'genesis.json', 'utf8');
const genesis = JSON.parse(genesisText);
function withGenesis(label, text) {
  const bundle = JSON.parse(valid);
  bundle.genesis = toBase64(new TextEncoder().encode(text));
  emit(`genesis/${label}`, JSON.stringify(bundle), { anchored: false });
}
const g = (mutate) => {
  const copy = structuredClone(genesis);
  mutate(copy);
  return JSON.stringify(copy, null, 2);
};
withGenesis('as-is', genesisText);
withGenesis('compact', JSON.stringify(genesis));
for (const key of Object.keys(genesis)) {
  withGenesis(`missing-${key}`, g((c) => delete c[key]));
  withGenesis(`null-${key}`, g((c) => { c[key] = null; }));
  withGenesis(`string-${key}`, g((c) => { c[key] = String(c[key]); }));
  withGenesis(`pascal-${key}`, genesisText.replace(`"${key}"`, `"${key[0].toUpperCase()}${key.slice(1)}"`));
  withGenesis(`duplicate-${key}`, genesisText.replace(`"${key}"`, `"${key}": ${JSON.stringify(genesis[key])}, "${key}"`));
}
for (const [label, mutate] of Object.entries({
  'unknown-property': (c) => { c.extra = 1; },
  'effective-skew': (c) => { c.effectiveBlockTimeSkewMilliseconds = 2000; },
  'skew-99': (c) => { c.blockTimeSkewMilliseconds = 99; },
  'skew-100': (c) => { c.blockTimeSkewMilliseconds = 100; },
  'skew-1500': (c) => { c.blockTimeSkewMilliseconds = 1500; },
  'skew-600001': (c) => { c.blockTimeSkewMilliseconds = 600001; },
  'skew-null': (c) => { c.blockTimeSkewMilliseconds = null; },
  'threshold-null': (c) => { c.approvalThreshold = null; },
  'threshold-9': (c) => { c.approvalThreshold = 9; },
  'threshold-negative': (c) => { c.approvalThreshold = -1; },
  'expiry-0': (c) => { c.proposalExpiryBlocks = 0; },
  'expiry-huge': (c) => { c.proposalExpiryBlocks = 100000001; },
  'format-2': (c) => { c.formatVersion = 2; },
  'chain-bad': (c) => { c.chainId = 'sample chain'; },
  'chain-long': (c) => { c.chainId = 'c'.repeat(65); },
  'suite-unknown': (c) => { c.suite = 'rsa'; },
  'suite-p256': (c) => { c.suite = 'p256-sha256'; },
  'members-empty': (c) => { c.members = []; },
  'members-null-element': (c) => { c.members.push(null); },
  'nodes-null-element': (c) => { c.nodes.push(null); },
  'nodes-empty': (c) => { c.nodes = []; },
  'member-name-missing': (c) => { delete c.members[0].name; },
  'member-name-null': (c) => { c.members[0].name = null; },
  'member-name-long': (c) => { c.members[0].name = 'é'.repeat(129); },
  'member-role-bad': (c) => { c.members[0].role = 'king'; },
  'member-unknown': (c) => { c.members[0].age = 3; },
  'member-dup-id': (c) => { c.members[1].id = c.members[0].id; },
  'member-keys-empty': (c) => { c.members[0].keys = []; },
  'member-key-null': (c) => { c.members[0].keys.push(null); },
  'member-key-suite-bad': (c) => { c.members[0].keys[0].suite = 'x'; },
  'member-key-dup': (c) => { c.members[1].keys[0] = c.members[0].keys[0]; },
  'member-key-short': (c) => { c.members[0].keys[0].publicKey = 'AAAA'; },
  'member-key-empty': (c) => { c.members[0].keys[0].publicKey = ''; },
  'member-key-space': (c) => { c.members[0].keys[0].publicKey = ' ' + c.members[0].keys[0].publicKey; },
  'member-key-inner-space': (c) => { const k = c.members[0].keys[0].publicKey; c.members[0].keys[0].publicKey = k.slice(0, 8) + ' ' + k.slice(8); },
  'member-key-unpadded': (c) => { c.members[0].keys[0].publicKey = c.members[0].keys[0].publicKey.replace(/=+$/, ''); },
  'member-key-trailing-bits': (c) => { const k = c.members[0].keys[0].publicKey; c.members[0].keys[0].publicKey = k.replace(/.=$/, (m) => String.fromCharCode(m.charCodeAt(0) + 1) + '='); },
  'member-key-urlsafe': (c) => { c.members[0].keys[0].publicKey = c.members[0].keys[0].publicKey.replace(/\+/g, '-').replace(/\//g, '_'); },
  'node-address-empty': (c) => { c.nodes[0].address = ''; },
  'node-tls-null': (c) => { c.nodes[0].tlsCertificatePem = null; },
  'node-tls-string': (c) => { c.nodes[0].tlsCertificatePem = 'PEM'; },
  'node-key-null': (c) => { c.nodes[0].key = null; },
  'node-dup-id': (c) => { c.nodes[1].id = c.nodes[0].id; },
  'node-key-bad-point': (c) => { c.nodes[0].key.publicKey = toBase64(new Uint8Array(32).fill(255)); },
  'node-key-wrong-suite': (c) => { c.nodes[0].key.suite = 'p256-sha256'; },
  'node-name': (c) => { c.nodes[0].name = 'n'; },
  'witness-p256': (c) => { const w = c.members.find((m) => m.role === 'witness'); if (w) w.keys[0].suite = 'p256-sha256'; },
  'no-admin': (c) => { for (const m of c.members) if (m.role === 'admin') m.role = 'auditor'; },
  'format-1.0': () => {},
})) {
  withGenesis(label, g(mutate));
}
withGenesis('format-1.0-raw', genesisText.replace('"formatVersion": 1', '"formatVersion": 1.0'));
withGenesis('format-1e0-raw', genesisText.replace('"formatVersion": 1', '"formatVersion": 1e0'));
withGenesis('format-minus0-raw', genesisText.replace('"formatVersion": 1', '"formatVersion": -0'));
withGenesis('bom', '\ufeff' + genesisText);
withGenesis('comment', genesisText.replace('{', '{ // c\n'));
withGenesis('trailing-comma', genesisText.replace(/}\s*$/, ',}'));
withGenesis('null', 'null');
withGenesis('array', '[]');
withGenesis('empty', '');
withGenesis('escaped', genesisText.replace('"chainId"', '"chain\\u0049d"'));

// --- D: protobuf bytes of the transaction and its envelope ---
const validBundle = JSON.parse(valid);
const tx = fromBase64(validBundle.transaction);
function withTransaction(label, bytes) {
  emit(`tx/${label}`, JSON.stringify({ ...validBundle, transaction: toBase64(bytes) }));
}
const cat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
withTransaction('unknown-varint-field', cat(tx, [0x48, 0x01]));
withTransaction('unknown-bytes-field', cat(tx, [0x52, 0x01, 0x00]));
withTransaction('unknown-fixed32', cat(tx, [0x4d, 1, 2, 3, 4]));
withTransaction('unknown-group', cat(tx, [0x4b, 0x08, 0x01, 0x4c]));
withTransaction('wire-type-6', cat(tx, [0x4e]));
withTransaction('unknown-first', cat([0x48, 0x01], tx));
withTransaction('unknown-two-numbers', cat(tx, [0x58, 0x01, 0x48, 0x01]));
withTransaction('unknown-same-number-mixed', cat(tx, [0x4a, 0x00, 0x48, 0x01]));
withTransaction('field1-as-varint', cat(tx, [0x08, 0x01]));
withTransaction('empty-detached-explicit', cat(tx, [0x1a, 0x00]));
withTransaction('detached-items', cat(tx, [0x1a, 0x01, 0x00]));
withTransaction('truncated', tx.slice(0, tx.length - 1));
withTransaction('zero-tag', cat(tx, [0x00]));
withTransaction('duplicate', cat(tx, tx));
const envelopeLength = tx[1] < 0x80 ? tx[1] : (tx[1] & 0x7f) | (tx[2] << 7);
const header = tx[1] < 0x80 ? 2 : 3;
const envelope = tx.slice(header, header + envelopeLength);
const rest = tx.slice(header + envelopeLength);
function withEnvelope(label, env) {
  const len = env.length < 0x80 ? [env.length] : [(env.length & 0x7f) | 0x80, env.length >> 7];
  withTransaction(`envelope-${label}`, cat([0x0a, ...len], env, rest));
}
withEnvelope('truncated', envelope.slice(0, envelope.length - 1));
withEnvelope('unknown-field', cat(envelope, [0x48, 0x01]));
withEnvelope('wire-7', cat(envelope, [0x4f]));
withEnvelope('invalid-utf8-chain', cat(envelope, [0x0a, 0x02, 0xc3, 0x28]));
withEnvelope('chain-overridden', cat(envelope, [0x0a, 0x01, 0x78]));
withEnvelope('type-99', cat(envelope, [0x18, 0x63]));
withEnvelope('type-negative', cat(envelope, [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
withEnvelope('type-anchor', cat(envelope, [0x18, 0x0d]));
withEnvelope('type-batch', cat(envelope, [0x18, 0x02]));
withEnvelope('type-propose', cat(envelope, [0x18, 0x0b]));
withEnvelope('body-garbage', cat(envelope, [0x22, 0x02, 0xff, 0xff]));
withEnvelope('body-empty', cat(envelope, [0x22, 0x00]));
withEnvelope('nonce-max', cat(envelope, [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
withEnvelope('overlong-varint', cat(envelope, [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
withEnvelope('group', cat(envelope, [0x4b, 0x4c]));
withEnvelope('group-mismatch', cat(envelope, [0x4b, 0x54]));
withEnvelope('signer-empty', cat(envelope, [0x2a, 0x00]));

writeFileSync(out + '/inputs.jsonl', inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
console.log(`${inputs.length} cases in ${out}`);
