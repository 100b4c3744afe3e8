// Block header canonical encoding, block hashes, attestations, log leaves and leaf indexes agree with
// Ledger.Core on the fixtures it wrote (headers travel as protobuf bytes through the JS decoder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '#ledger/bytes/bytes.js';
import { verify, verifySignature } from '#ledger/blocks/block-attestations.js';
import { compute } from '#ledger/blocks/block-hash.js';
import { encode } from '#ledger/blocks/block-header-encoding.js';
import { BlockHeaderEncodingException } from '#ledger/blocks/block-header-encoding-exception.js';
import { encode as encodeLeaf, encodeResult, merkleLeafHash } from '#ledger/blocks/log-leaf.js';
import { tryGet } from '#ledger/blocks/log-leaf-index.js';
import { get } from '#ledger/crypto/crypto-suites.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { sm3HashAlgorithm } from '#ledger/hashing/sm3-hash-algorithm.js';
import { decodeMessage } from '#ledger/protobuf/message-codec.js';
import { Attestation, BlockHeader } from '#ledger/protobuf/block.js';
import { TransactionResult } from '#ledger/protobuf/transaction.js';
import { loadFixture } from './fixtures.js';

const fixture = loadFixture('blocks.json');
const algorithms = { sha256: sha256HashAlgorithm, sm3: sm3HashAlgorithm };

test('blockHeaderEncoding_EveryFixtureHeader_SameBytesHashesOrErrorAsCSharp', () => {
  assert.ok(fixture.headers.some((c) => c.error !== null));
  for (const c of fixture.headers) {
    const header = decodeMessage(BlockHeader, fromHex(c.protobuf));
    if (c.error === null) {
      assert.equal(toHex(encode(header)), c.canonical, c.name);
      assert.equal(toHex(compute(header, sha256HashAlgorithm)), c.sha256, c.name);
      assert.equal(toHex(compute(header, sm3HashAlgorithm)), c.sm3, c.name);
    } else {
      assert.throws(() => encode(header), (error) => error instanceof BlockHeaderEncodingException && error.message === c.error, c.name);
    }
  }
});

test('blockAttestations_EveryFixtureCase_SameVerdictAsCSharp', () => {
  for (const c of fixture.attestations) {
    const suite = get(c.suite);
    const key = suite.decodePublicKey(fromHex(c.nodePublicKey));
    const header = decodeMessage(BlockHeader, fromHex(c.header));
    const attestation = decodeMessage(Attestation, fromHex(c.attestation));
    assert.equal(verify(key, attestation, header, suite.hash), c.verify, `${c.suite} ${c.name}`);
    assert.equal(verifySignature(key, attestation, header.chainId), c.verifySignature, `${c.suite} ${c.name}`);
  }
});

test('logLeaf_EveryFixtureResult_SameBytesOrRefusalAsCSharp', () => {
  for (const c of fixture.logLeaves) {
    const algorithm = algorithms[c.algorithm];
    const result = decodeMessage(TransactionResult, fromHex(c.result));
    const txHash = fromHex(c.txHash);
    if (c.throws) {
      assert.throws(() => encodeResult(result), RangeError, c.name);
      continue;
    }
    assert.equal(toHex(encodeResult(result)), c.resultBytes, c.name);
    assert.equal(toHex(encodeLeaf(txHash, result, algorithm)), c.leaf, c.name);
    assert.equal(toHex(merkleLeafHash(txHash, result, algorithm)), c.merkleLeafHash, c.name);
  }
});

test('logLeafIndex_TryGet_SameAsCSharp', () => {
  for (const c of fixture.logLeafIndexes) {
    const index = tryGet(BigInt(c.logSize), c.txCount, c.position);
    assert.equal(index === null ? null : index.toString(), c.leafIndex, JSON.stringify(c));
  }
});
