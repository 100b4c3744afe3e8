// Decoding a transaction for display, and its hash as Ledger.Core/Signing/TransactionHashing.cs defines it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { transactionHash } from '#explorer/chain/transaction-hash.js';
import { describeTransaction } from '#explorer/chain/transaction-view-model.js';
import { toHex } from '#explorer/format/bytes.js';

const field = (number, bytes) => Buffer.concat([Buffer.from([(number << 3) | 2]), varint(bytes.length), Buffer.from(bytes)]);
const varintField = (number, value) => Buffer.concat([Buffer.from([number << 3]), varint(value)]);
function varint(value) {
  const out = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return Buffer.from(out);
}

const sha = Buffer.alloc(32, 7);
const body = Buffer.concat([field(1, field(1, sha)), varintField(2, 1), field(3, Buffer.from('Harbour')),
  Buffer.from([(4 << 3) | 1]), Buffer.from('8e8f8f8770707070', 'hex')]);
const envelope = Buffer.concat([field(1, Buffer.from('dev-chain')), varintField(2, 300), varintField(3, 1), field(4, body),
  field(5, Buffer.alloc(32, 9)), field(6, Buffer.from('p256-sha256'))]);
const signature = Buffer.alloc(200, 5); // longer than 127: a two-byte length
const signed = { envelope: envelope.toString('base64'), signature: signature.toString('base64'), detachedItems: Buffer.from([1, 2]).toString('base64') };

test('transactionHash_P256Suite_IsSha256OfFields1And2WithoutTheDetachedItems', async () => {
  const expected = createHash('sha256').update(Buffer.concat([field(1, envelope), field(2, signature)])).digest('hex');
  assert.equal(toHex(await transactionHash(signed, 'p256-sha256')), expected);
});

test('transactionHash_Sm2Suite_HashesWithSm3', async () => {
  const sha256 = toHex(await transactionHash(signed, 'p256-sha256'));
  const sm3 = toHex(await transactionHash(signed, 'sm2-sm3'));
  assert.equal(sm3.length, 64);
  assert.notEqual(sm3, sha256);
});

test('transactionHash_UnknownSuite_Rejects', async () => {
  await assert.rejects(transactionHash(signed, 'rot13'), /unknown suite/);
});

test('describeTransaction_RegisterWork_ShowsEnvelopeAndBody', () => {
  const described = describeTransaction(signed);
  assert.equal(described.chainId, 'dev-chain');
  assert.equal(described.nonce, '300');
  assert.equal(described.type, 'register work');
  assert.equal(described.suite, 'p256-sha256');
  assert.equal(described.registration.title, 'Harbour');
  assert.equal(described.registration.mediaType, 'image');
  assert.equal(described.registration.contentSha256Hex, '07'.repeat(32));
  assert.equal(described.registration.perceptualHashHex, '70707070878f8f8e');
});

test('describeTransaction_Garbage_IsNullNotAnException', () => {
  assert.equal(describeTransaction({ envelope: Buffer.from([0x0a, 0xff]).toString('base64') }), null);
  assert.equal(describeTransaction({}), null);
});
