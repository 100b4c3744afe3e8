// Port of Ledger.Core/Hashing/Sm3HashAlgorithm.cs: SM3 (GM/T 0004-2012), the chain hash of sm2-sm3.
import { sm3 } from '#vendor/sm-crypto-v2.js';
import { fromHex } from '#ledger/bytes/bytes.js';

export const sm3HashAlgorithm = Object.freeze({
  name: 'sm3',
  hashSizeBytes: 32,
  /** @param {Uint8Array} data @returns {Uint8Array} 32 bytes */
  hash(data) {
    // sm-crypto-v2 hashes the Uint8Array as it is and returns lowercase hex.
    return fromHex(sm3(data));
  },
});
