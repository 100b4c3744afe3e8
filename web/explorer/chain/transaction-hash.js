// A transaction's hash, as Ledger.Core/Signing/TransactionHashing.cs defines it: the suite hash of
// field 1 (envelope) and field 2 (signature) of SignedTransaction, each omitted when empty, and
// nothing else (detached batch items are not covered). The explorer needs it to link a block's
// transactions; the verifier has its own port for checking.
import { fromBase64 } from '#explorer/format/bytes.js';

function field(tag, value) {
  if (value.length === 0) {
    return [];
  }
  const prefix = [tag];
  let length = value.length;
  while (length >= 0x80) {
    prefix.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  prefix.push(length);
  return [Uint8Array.from(prefix), value];
}

/** The hashed ("leaf") bytes of a JSON SignedTransaction. */
export function hashedBytes(signed) {
  const parts = [...field(0x0a, fromBase64(signed?.envelope ?? '') ?? new Uint8Array(0)),
    ...field(0x12, fromBase64(signed?.signature ?? '') ?? new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The transaction hash under the chain's suite ('sm2-sm3' hashes with SM3, the others with SHA-256).
 * @returns {Promise<Uint8Array>}
 */
export async function transactionHash(signed, suite) {
  const bytes = hashedBytes(signed);
  if (suite === 'sm2-sm3') {
    const { sm3HashAlgorithm } = await import('#ledger/hashing/sm3-hash-algorithm.js');
    return sm3HashAlgorithm.hash(bytes);
  }
  if (globalThis.crypto?.subtle) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  }
  const { sha256 } = await import('#vendor/noble-hashes.js');
  return sha256(bytes);
}
