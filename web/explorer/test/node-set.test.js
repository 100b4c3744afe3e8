// How many attestations certify a block (ConsortiumState.Quorum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quorumOf } from '#explorer/chain/node-set.js';

test('quorumOf_NodeCounts_IsAMajority', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 7].map(quorumOf), [1, 2, 2, 3, 3, 4]);
});
