// ConsortiumGenesis.Parse's accept/refuse rules as System.Text.Json applies them, pinned by the
// C# behaviour the mutation cross-check observed (web/verifier/test/tools/make-mutations.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GenesisFormatException, parseGenesis } from '#ledger/consortium/consortium-genesis.js';

const genesisText = readFileSync(fileURLToPath(new URL('../../../docs/samples/genesis.json', import.meta.url)), 'utf8');
const bytes = (text) => new TextEncoder().encode(text);
const mutated = (mutate) => {
  const genesis = JSON.parse(genesisText);
  mutate(genesis);
  return bytes(JSON.stringify(genesis, null, 2));
};
const refused = (input) => assert.throws(() => parseGenesis(input), GenesisFormatException);

test('parseGenesis_sample_readsMembersNodesAndDefaultSkew', () => {
  const genesis = parseGenesis(bytes(genesisText));

  assert.equal(genesis.chainId, 'sample-chain');
  assert.equal(genesis.suite, 'ed25519');
  assert.equal(genesis.members.length, 4);
  assert.equal(genesis.nodes.length, 3);
  assert.equal(genesis.effectiveBlockTimeSkewMilliseconds, 2000);
});

test('parseGenesis_byteOrderMark_refused', () => {
  refused(bytes('\ufeff' + genesisText));
});

test('parseGenesis_publicKeyWithSpaces_acceptedAsSystemTextJsonSkipsThem', () => {
  const genesis = parseGenesis(mutated((g) => {
    const key = g.members[0].keys[0].publicKey;
    g.members[0].keys[0].publicKey = ' ' + key.slice(0, 8) + ' ' + key.slice(8);
  }));

  assert.equal(genesis.members[0].keys[0].publicKey.length, 32);
});

test('parseGenesis_publicKeyWithNonZeroTrailingBits_refused', () => {
  refused(mutated((g) => {
    g.members[0].keys[0].publicKey = g.members[0].keys[0].publicKey.replace(/.=$/, (m) => String.fromCharCode(m.charCodeAt(0) + 1) + '=');
  }));
});

test('parseGenesis_unpaddedOrUrlSafeKey_refused', () => {
  refused(mutated((g) => { g.members[0].keys[0].publicKey = g.members[0].keys[0].publicKey.replace(/=+$/, ''); }));
  refused(mutated((g) => { g.members[0].keys[0].publicKey = '-_' + g.members[0].keys[0].publicKey.slice(2); }));
});

test('parseGenesis_effectiveSkewMember_ignoredLikeAJsonIgnoreProperty', () => {
  const genesis = parseGenesis(mutated((g) => { g.effectiveBlockTimeSkewMilliseconds = 5; }));

  assert.equal(genesis.effectiveBlockTimeSkewMilliseconds, 2000);
});

test('parseGenesis_unknownOrPascalCaseMember_refused', () => {
  refused(mutated((g) => { g.extra = 1; }));
  refused(bytes(genesisText.replace('"chainId"', '"ChainId"')));
});

test('parseGenesis_duplicateMember_lastWins', () => {
  const genesis = parseGenesis(bytes(genesisText.replace('"chainId"', '"chainId": "first", "chainId"')));

  assert.equal(genesis.chainId, 'sample-chain');
});

test('parseGenesis_nullWhereNotNullable_refused_nullWhereNullable_accepted', () => {
  refused(mutated((g) => { g.members[0].name = null; }));
  refused(mutated((g) => { g.nodes[0].key = null; }));
  assert.equal(parseGenesis(mutated((g) => { g.approvalThreshold = null; })).approvalThreshold, null);
  assert.equal(parseGenesis(mutated((g) => { g.nodes[0].tlsCertificatePem = null; })).nodes[0].tlsCertificatePem, null);
});

test('parseGenesis_nonIntegerSpellings_refused', () => {
  refused(bytes(genesisText.replace('"formatVersion": 1', '"formatVersion": 1.0')));
  refused(bytes(genesisText.replace('"formatVersion": 1', '"formatVersion": 1e0')));
  refused(bytes(genesisText.replace('"formatVersion": 1', '"formatVersion": "1"')));
});

test('parseGenesis_validationRules_sameMessagesAsCSharp', () => {
  assert.throws(() => parseGenesis(mutated((g) => { g.blockTimeSkewMilliseconds = 99; })),
    { message: 'genesis blockTimeSkewMilliseconds: must be in [100, 600000], was 99' });
  assert.throws(() => parseGenesis(mutated((g) => { g.members[1].id = g.members[0].id; })),
    { message: `genesis members[1].id: duplicate member id '${JSON.parse(genesisText).members[0].id}'` });
  assert.throws(() => parseGenesis(mutated((g) => { g.members.push(null); })), { message: 'genesis members[4]: is null' });
});
