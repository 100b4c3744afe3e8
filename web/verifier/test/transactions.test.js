// Transaction hashing (hashed and canonical bytes), signature verification per suite and chain, the
// envelope binding check and the signing input agree with Ledger.Core on the fixtures it wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '#ledger/bytes/bytes.js';
import { get } from '#ledger/crypto/crypto-suites.js';
import { decodeMessage } from '#ledger/protobuf/message-codec.js';
import { SignedTransaction, TransactionEnvelope } from '#ledger/protobuf/transaction.js';
import { InvalidChainIdException } from '#ledger/signing/chain-id-rules.js';
import { TransactionSignature } from '#ledger/signing/signing-contexts.js';
import { create } from '#ledger/signing/signing-input.js';
import { computeHash, encodeCanonical, encodeLeaf, isCanonical } from '#ledger/signing/transaction-hashing.js';
import { checkBinding, verify } from '#ledger/signing/transaction-signing.js';
import { loadFixture } from './fixtures.js';

const fixture = loadFixture('transactions.json');

test('transactionHashing_SignedFixtures_SameBytesAndHashAsCSharp', () => {
  for (const c of fixture.signed) {
    const suite = get(c.suite);
    const transaction = decodeMessage(SignedTransaction, fromHex(c.bytes));
    assert.equal(toHex(encodeLeaf(transaction)), c.leafBytes, `${c.suite} ${c.name}`);
    assert.equal(toHex(encodeCanonical(transaction)), c.canonical, `${c.suite} ${c.name}`);
    assert.equal(toHex(computeHash(suite.hash, transaction)), c.txHash, `${c.suite} ${c.name}`);
  }
});

test('transactionSigning_SignedFixtures_SameVerdictsAsCSharp', () => {
  for (const c of fixture.signed) {
    const suite = get(c.suite);
    const member = suite.decodePublicKey(fromHex(c.memberPublicKey));
    const other = suite.decodePublicKey(fromHex(c.otherPublicKey));
    const transaction = decodeMessage(SignedTransaction, fromHex(c.bytes));
    assert.equal(verify(member, transaction, 'js-fixtures'), c.verifyOwnChain, `${c.suite} ${c.name}`);
    assert.equal(verify(member, transaction, 'other-chain'), c.verifyOtherChain, `${c.suite} ${c.name}`);
    assert.equal(verify(other, transaction, 'js-fixtures'), c.verifyOtherKey, `${c.suite} ${c.name}`);
    const envelope = decodeMessage(TransactionEnvelope, transaction.envelope);
    assert.equal(checkBinding(envelope, member, 'js-fixtures'), c.bindingOwnChain);
    assert.equal(checkBinding(envelope, member, 'other-chain'), c.bindingOtherChain);
    assert.equal(checkBinding(envelope, other, 'js-fixtures'), c.bindingOtherKey);
  }
});

test('isCanonical_EveryFixture_SameAsCSharp', () => {
  for (const c of fixture.canonical) {
    assert.equal(isCanonical(fromHex(c.bytes)), c.isCanonical, c.name);
  }
});

test('signingInput_EveryChainId_SameBytesOrErrorAsCSharp', () => {
  for (const c of fixture.signingInputs) {
    const chainId = String.fromCharCode(...(c.chainIdUtf16.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
    if (c.error === null) {
      assert.equal(toHex(create(TransactionSignature, chainId, Uint8Array.of(1, 2, 3))), c.input);
    } else {
      assert.throws(() => create(TransactionSignature, chainId, Uint8Array.of(1, 2, 3)), (error) => error instanceof InvalidChainIdException && error.message === c.error);
    }
  }
});
