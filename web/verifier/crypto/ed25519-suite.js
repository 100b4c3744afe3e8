// Port of Ledger.Core/Crypto/Ed25519Suite.cs (verification): pure Ed25519 (RFC 8032 §5.1). Public key:
// the 32-byte encoding, fully validated on decode (canonical, on the curve, of large prime order:
// a small-order key could make signatures that verify for many messages). Chain hash: SHA-256.
import { ed25519 } from '#vendor/noble-curves.js';
import { CryptoSuiteBase } from '#ledger/crypto/crypto-suite-base.js';
import { InvalidKeyException } from '#ledger/crypto/invalid-key-exception.js';
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';

export const SuiteName = 'ed25519';

const PublicKeySize = 32;
const FullValidationFailure = 'public key is not a canonical encoding of a curve point of large prime order';

class Ed25519Suite extends CryptoSuiteBase {
  get name() {
    return SuiteName;
  }

  get hash() {
    return sha256HashAlgorithm;
  }

  get publicKeySizeBytes() {
    return PublicKeySize;
  }

  parsePublicKey(encodedPublicKey) {
    let point;
    try {
      // zip215 = false: RFC 8032's strict decoding (y < p, no "negative zero" x).
      point = ed25519.Point.fromBytes(encodedPublicKey, false);
    } catch (error) {
      throw new InvalidKeyException(this.name, FullValidationFailure, { cause: error });
    }
    if (point.isSmallOrder() || !point.isTorsionFree()) {
      throw new InvalidKeyException(this.name, FullValidationFailure);
    }
    return Uint8Array.from(encodedPublicKey);
  }

  verifyCore(publicHandle, message, signature) {
    return ed25519.verify(signature, message, publicHandle, { zip215: false });
  }
}

export const ed25519Suite = new Ed25519Suite();
