// Which nodes count at a height, and how many attestations certify a block then (ConsortiumState.Quorum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodesActiveAt, quorumOf } from '#explorer/chain/node-set.js';

const nodes = [
  { nodeId: 'node-1', addedAt: { height: 0, index: 0 } },
  { nodeId: 'node-2', addedAt: { height: '10', index: 1 } },
  { nodeId: 'node-3', addedAt: { height: 0 }, removedAt: { height: 20, index: 0 } },
];

test('nodesActiveAt_AddedLaterAndRemovedLater_CountOnlyBetween', () => {
  assert.deepEqual(nodesActiveAt(nodes, 5).map((n) => n.nodeId), ['node-1', 'node-3']);
  assert.deepEqual(nodesActiveAt(nodes, 10).map((n) => n.nodeId), ['node-1', 'node-2', 'node-3']);
  assert.deepEqual(nodesActiveAt(nodes, '20').map((n) => n.nodeId), ['node-1', 'node-2']);
});

test('quorumOf_NodeCounts_IsAMajority', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 7].map(quorumOf), [1, 2, 2, 3, 3, 4]);
});
