// What a search box entry means: a block height, a 32-byte hash (a transaction or a file's
// content hash: both are tried), a 36-byte work id, or a 64-bit perceptual hash. Pure.
import { fromBase64, toHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';

/** Longest entry considered (a hash in base64 or hex is far shorter). */
export const QueryCharsMax = 200;

/**
 * @param {string} raw what the reader typed
 * @returns {{ href: string, kind: string } | { error: string }}
 */
export function classifyQuery(raw) {
  const text = String(raw ?? '').trim().replace(/^0x/i, '').replace(/\s+/g, '');
  if (text.length === 0) {
    return { error: 'Type a block height, a transaction hash, a work id or a content hash.' };
  }
  if (text.length > QueryCharsMax) {
    return { error: `That is ${text.length} characters; no height, hash or id is that long.` };
  }
  // A height has at most 20 digits (2^64); longer digit strings are hex hashes that happen to have no letter.
  if (/^\d{1,20}$/.test(text)) {
    return BigInt(text) < 2n ** 64n ? { kind: 'height', href: Links.block(BigInt(text).toString()) } : { error: 'That height is beyond any 64-bit block height.' };
  }
  let hex = /^[0-9a-fA-F]+$/.test(text) ? text.toLowerCase() : null;
  if (hex === null) {
    // A hash copied from JSON (base64) is accepted too.
    const bytes = fromBase64(text);
    hex = bytes && (bytes.length === 32 || bytes.length === 36) ? toHex(bytes) : null;
  }
  if (hex === null) {
    return { error: 'Not a height, a hex hash or a work id. Heights are digits; hashes are 64 hex digits; work ids 72.' };
  }
  switch (hex.length) {
    case 64:
      return { kind: 'hash', href: Links.lookup(hex) };
    case 72:
      return { kind: 'work', href: Links.work(hex) };
    default:
      return { error: `${hex.length} hex digits: a transaction or content hash has 64, a work id 72.` };
  }
}
