// The schema codec parses hostile bytes as Google.Protobuf C# does: the same accept/reject decision and,
// when accepted, the same bytes back from ToByteArray (last value wins, messages merge, oneofs, unknown
// fields kept and written back grouped by number, recursion limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '#ledger/bytes/bytes.js';
import { decodeMessage, encodeMessage, tryDecodeMessage } from '#ledger/protobuf/message-codec.js';
import { InvalidProtocolBufferException } from '#ledger/protobuf/invalid-protocol-buffer-exception.js';
import { Attestation, BlockHeader } from '#ledger/protobuf/block.js';
import { BatchItems, BatchRegister, ProposeChange, RegisterWork, Vote } from '#ledger/protobuf/registry.js';
import { SignedTransaction, TransactionEnvelope, TransactionResult } from '#ledger/protobuf/transaction.js';
import { messageSchema } from '#ledger/protobuf/message-codec.js';
import { loadFixture } from './fixtures.js';

const schemas = { SignedTransaction, TransactionEnvelope, TransactionResult, BlockHeader, Attestation, RegisterWork, BatchRegister, BatchItems, ProposeChange, Vote };
const fixture = loadFixture('protobuf.json');

test('decodeMessage_EveryFixture_SameDecisionAndReencodingAsGoogleProtobuf', () => {
  assert.ok(fixture.cases.some((c) => !c.ok));
  for (const c of fixture.cases) {
    const schema = schemas[c.schema];
    const bytes = fromHex(c.bytes);
    if (!c.ok) {
      assert.throws(() => decodeMessage(schema, bytes), InvalidProtocolBufferException, `${c.schema}: ${c.name}`);
      assert.equal(tryDecodeMessage(schema, bytes), null);
      continue;
    }
    const message = decodeMessage(schema, bytes);
    assert.equal(toHex(encodeMessage(schema, message)), c.reencoded, `${c.schema}: ${c.name}`);
  }
});

test('decodeMessage_Values_AsGoogleProtobufJsonShows', () => {
  const pick = (name) => fixture.cases.find((c) => c.name === name);
  const envelope = decodeMessage(TransactionEnvelope, fromHex(pick('every field set').bytes));
  assert.equal(envelope.nonce, 18446744073709551615n);
  assert.equal(envelope.createdUnixMs, -9223372036854775808n);
  assert.equal(envelope.type, 12);
  const last = decodeMessage(TransactionEnvelope, fromHex(pick('chain id twice, last wins').bytes));
  assert.equal(last.chainId, 'b');
  const negative = decodeMessage(TransactionEnvelope, fromHex(pick('type enum negative (ten-byte varint)').bytes));
  assert.equal(negative.type, -1);
  const merged = decodeMessage(RegisterWork, fromHex(pick('content hash split in two (messages merge)').bytes));
  assert.equal(toHex(merged.contentHash.sm3), '07');
  const oneof = decodeMessage(RegisterWork, fromHex(pick('rights holder oneof: member then external').bytes));
  assert.equal(oneof.rightsHolder.holderCase, 'external');
  assert.equal(oneof.rightsHolder.memberId, null);
  const change = decodeMessage(ProposeChange, fromHex(pick('add member then change threshold (last case wins)').bytes));
  assert.equal(change.changeCase, 'changeThreshold');
  assert.equal(change.changeThreshold.threshold, 2);
  assert.equal(change.addMember, null);
  const work = decodeMessage(RegisterWork, fromHex(pick('every field, perceptual hash 0 present').bytes));
  assert.equal(work.perceptualHash, 0n);
  assert.equal(decodeMessage(RegisterWork, new Uint8Array(0)).perceptualHash, null);
  const vote = decodeMessage(Vote, fromHex(pick('approve as a ten-byte varint with only the top bit').bytes));
  assert.equal(vote.approve, JSON.parse(pick('approve as a ten-byte varint with only the top bit').json).approve ?? false);
});

test('packedRepeated_PackedAndUnpacked_BothAcceptedAndWrittenPacked', () => {
  // No ledger.v1 message the verifier reads has a repeated number; the codec supports it all the same.
  const schema = messageSchema('test.Packed', [{ number: 1, name: 'values', type: 'uint64', repeated: true }, { number: 2, name: 'fixed', type: 'fixed32', repeated: true }]);
  const message = decodeMessage(schema, Uint8Array.of(0x08, 0x01, 0x0a, 0x02, 0x02, 0x03, 0x08, 0x04, 0x15, 1, 0, 0, 0, 0x12, 0x04, 2, 0, 0, 0));
  assert.deepEqual(message.values, [1n, 2n, 3n, 4n]);
  assert.deepEqual(message.fixed, [1, 2]);
  assert.equal(toHex(encodeMessage(schema, message)), '0a04010203041208' + '0100000002000000');
  assert.throws(() => decodeMessage(schema, Uint8Array.of(0x0a, 0x01, 0x80)), InvalidProtocolBufferException);
});
