// Port of Ledger.Core/Hashing/Sha256HashAlgorithm.cs: SHA-256 (FIPS 180-4), the chain hash of p256-sha256 and ed25519.
import { sha256 } from '#vendor/noble-hashes.js';

export const sha256HashAlgorithm = Object.freeze({
  name: 'sha256',
  hashSizeBytes: 32,
  /** @param {Uint8Array} data @returns {Uint8Array} 32 bytes */
  hash(data) {
    return sha256(data);
  },
});
