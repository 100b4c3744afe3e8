import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyQuery } from '#explorer/search/search-query.js';
import { nextDelayMs, PollIntervalMs, BackoffMaxMs } from '#explorer/live/backoff.js';

test('classifyQuery_Digits_IsABlockHeight', () => {
  assert.deepEqual(classifyQuery(' 42 '), { kind: 'height', href: '#/block/42' });
});

test('classifyQuery_64HexDigits_IsLookedUpAsTransactionOrContent', () => {
  const hex = 'AB'.repeat(32);
  assert.deepEqual(classifyQuery(`0x${hex}`), { kind: 'hash', href: `#/lookup/${hex.toLowerCase()}` });
});

test('classifyQuery_72HexDigits_IsAWorkId', () => {
  assert.equal(classifyQuery('0'.repeat(72)).kind, 'work');
});

test('classifyQuery_Base64Hash_IsAccepted', () => {
  const base64 = Buffer.alloc(32, 1).toString('base64');
  assert.equal(classifyQuery(base64).href, `#/lookup/${'01'.repeat(32)}`);
});

test('classifyQuery_Garbage_SaysWhatIsExpected', () => {
  assert.match(classifyQuery('hello world!').error, /height/);
  assert.match(classifyQuery('abcd').error, /64/);
  assert.match(classifyQuery('').error, /Type/);
  assert.match(classifyQuery('9'.repeat(20)).error, /64-bit/);
});

test('nextDelayMs_Failures_DoubleUpToTheCeiling', () => {
  assert.equal(nextDelayMs(0), PollIntervalMs);
  assert.equal(nextDelayMs(1), PollIntervalMs * 2);
  assert.equal(nextDelayMs(2), PollIntervalMs * 4);
  assert.equal(nextDelayMs(100), BackoffMaxMs);
});
