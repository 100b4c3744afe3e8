// API failures reach the reader as sentences: the node's own message, or what went wrong on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromResponse, errorFromFailure, MessageCharsMax } from '#explorer/api/api-error.js';

test('errorFromResponse_GrpcStatusJson_ShowsTheNodesMessageAndCodeName', () => {
  const error = errorFromResponse(404, 'Not Found', '{"code":5,"message":"no block at height 99; the latest is 2","details":[]}');
  assert.equal(error.message, 'no block at height 99; the latest is 2');
  assert.equal(error.code, 'NOT_FOUND');
  assert.ok(error.isNotFound);
});

test('errorFromResponse_HtmlFromAProxy_IsNotShownRaw', () => {
  const error = errorFromResponse(502, 'Bad Gateway', '<html><body>upstream exploded</body></html>');
  assert.equal(error.message, 'The node answered HTTP 502 Bad Gateway.');
});

test('errorFromResponse_HugeMessage_IsCut', () => {
  const error = errorFromResponse(400, '', JSON.stringify({ code: 3, message: 'x'.repeat(5000) }));
  assert.equal(error.message.length, MessageCharsMax + 1);
  assert.equal(error.code, 'INVALID_ARGUMENT');
});

test('errorFromFailure_Timeout_SaysSo', () => {
  assert.match(errorFromFailure(new Error('aborted'), true).message, /did not answer in time/);
  assert.match(errorFromFailure(new TypeError('Failed to fetch'), false).message, /could not be reached \(Failed to fetch\)/);
});
