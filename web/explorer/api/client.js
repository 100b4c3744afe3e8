// GET a /v1/… route of this page's own origin. The only place that fetches.
import { errorFromFailure, errorFromResponse, ApiError } from '#explorer/api/api-error.js';

/** A request that has not answered by then is abandoned (a node answers reads in milliseconds). */
export const RequestTimeoutMs = 10_000;

/** Largest body read; a 1,000-transaction block, or an evidence bundle, is well under this. */
export const ResponseBytesMax = 32 * 1024 * 1024;

/**
 * The parsed JSON of GET `path` (which must start with /v1/).
 * @param {string} path
 * @param {AbortSignal} [signal] cancels the request (a view navigated away)
 * @throws {ApiError} in words, for every failure
 */
export async function getJson(path, signal) {
  const bytes = await getBytes(path, signal);
  try {
    return JSON.parse(new TextDecoder().decode(bytes), keepLargeIntegers);
  } catch {
    throw new ApiError(`The node's answer to ${path} is not JSON.`);
  }
}

/**
 * The proto3 JSON mapping writes 64-bit integers as strings, but a server may write them as JSON
 * numbers; a number beyond 2^53 (a perceptual hash, a far height) would then lose its low bits in
 * JSON.parse. Where the browser gives the source text (JSON.parse source access), such a number is
 * kept as its exact decimal string instead; every view reads integers through BigInt/String anyway.
 */
function keepLargeIntegers(_key, value, context) {
  return typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && typeof context?.source === 'string'
    ? context.source
    : value;
}

/** The exact bytes of GET `path` (an evidence bundle is verified over its bytes, not re-serialized). */
export async function getBytes(path, signal) {
  if (!path.startsWith('/v1/')) {
    throw new ApiError(`Refusing to fetch ${path}: the explorer reads only /v1/ routes of its own node.`);
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), RequestTimeoutMs);
  const onAbort = () => timeout.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' }, signal: timeout.signal, cache: 'no-store' });
    } catch (failure) {
      if (signal?.aborted) {
        throw failure;
      }
      throw errorFromFailure(failure, timeout.signal.aborted);
    }
    const length = Number(response.headers.get('Content-Length') ?? '0');
    if (length > ResponseBytesMax) {
      throw new ApiError(`The answer is ${length} bytes, more than the explorer reads (${ResponseBytesMax}).`);
    }
    let bytes;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (failure) {
      if (signal?.aborted) {
        throw failure;
      }
      throw errorFromFailure(failure, timeout.signal.aborted);
    }
    if (!response.ok) {
      throw errorFromResponse(response.status, response.statusText, new TextDecoder().decode(bytes.subarray(0, 64 * 1024)));
    }
    return bytes;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
