// Port of Ledger.Core/Crypto/P256Sha256Suite.cs (verification): ECDSA over NIST P-256 with SHA-256.
// Public key: uncompressed SEC1 point 0x04 || X || Y (65 bytes). Signature: IEEE P1363 r || s
// (64 bytes) with s <= n/2: the malleated high-s twin is rejected, as C# does.
import { p256 } from '#vendor/noble-curves.js';
import { compareBytes } from '#ledger/bytes/bytes.js';
import { CryptoSuiteBase, ScalarSizeBytes } from '#ledger/crypto/crypto-suite-base.js';
import { InvalidKeyException } from '#ledger/crypto/invalid-key-exception.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';

export const SuiteName = 'p256-sha256';

const EncodedPublicKeySizeBytes = 1 + 2 * ScalarSizeBytes;
const UncompressedPointTag = 0x04;

/** floor(n / 2), big-endian: the largest s a signature may carry. */
const HalfOrder = Uint8Array.from([
  0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
]);

class P256Sha256Suite extends CryptoSuiteBase {
  get name() {
    return SuiteName;
  }

  get hash() {
    return sha256HashAlgorithm;
  }

  get publicKeySizeBytes() {
    return EncodedPublicKeySizeBytes;
  }

  parsePublicKey(encodedPublicKey) {
    if (encodedPublicKey[0] !== UncompressedPointTag) {
      throw new InvalidKeyException(this.name, `public key must be an uncompressed point (tag 0x04), tag was 0x${encodedPublicKey[0].toString(16).padStart(2, '0')}`);
    }
    try {
      // Rejects coordinates >= p, points off the curve and the point at infinity.
      p256.Point.fromBytes(encodedPublicKey).assertValidity();
    } catch (error) {
      throw new InvalidKeyException(this.name, 'public key is not a point on P-256', { cause: error });
    }
    return Uint8Array.from(encodedPublicKey);
  }

  verifyCore(publicHandle, message, signature) {
    return isLowS(signature) && p256.verify(signature, message, publicHandle, { prehash: true, lowS: true, format: 'compact' });
  }
}

/** True when the signature's s is at most n/2 (the only form this suite accepts). */
function isLowS(signature) {
  return compareBytes(signature.subarray(ScalarSizeBytes), HalfOrder) <= 0;
}

export const p256Sha256Suite = new P256Sha256Suite();
