// Port of Ledger.Core/Crypto/Sm2Sm3Suite.cs (verification): SM2 signatures (GM/T 0003.2) on sm2p256v1
// with SM3, signer id "1234567812345678" (GM/T 0009 default) in Z_A. Public key: uncompressed point
// 0x04 || X || Y (65 bytes). Signature: fixed-size r || s (64 bytes), not DER. Chain hash: SM3.
import { sm2DoVerifySignature, sm2VerifyPublicKey } from '#vendor/sm-crypto-v2.js';
import { bytesToBigInt, toHex } from '#ledger/bytes/bytes.js';
import { CryptoSuiteBase, ScalarSizeBytes } from '#ledger/crypto/crypto-suite-base.js';
import { InvalidKeyException } from '#ledger/crypto/invalid-key-exception.js';
import { sm3HashAlgorithm } from '#ledger/hashing/sm3-hash-algorithm.js';

export const SuiteName = 'sm2-sm3';

/** GM/T 0009-2012 §10 default signer id. */
export const DefaultUserId = '1234567812345678';

const EncodedPublicKeySizeBytes = 1 + 2 * ScalarSizeBytes;
const UncompressedPointTag = 0x04;

/** The field prime p of sm2p256v1. */
const FieldPrime = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;

/** The order n of the sm2p256v1 base point. */
const Order = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** The library says false or throws for a point off the curve; either is "not a point". */
function isOnCurve(hex) {
  try {
    return sm2VerifyPublicKey(hex) === true;
  } catch {
    return false;
  }
}

class Sm2Sm3Suite extends CryptoSuiteBase {
  get name() {
    return SuiteName;
  }

  get hash() {
    return sm3HashAlgorithm;
  }

  get publicKeySizeBytes() {
    return EncodedPublicKeySizeBytes;
  }

  parsePublicKey(encodedPublicKey) {
    if (encodedPublicKey[0] !== UncompressedPointTag) {
      throw new InvalidKeyException(this.name, `public key must be an uncompressed point (tag 0x04), tag was 0x${encodedPublicKey[0].toString(16).padStart(2, '0')}`);
    }
    // BouncyCastle's DecodePoint refuses coordinates >= p and points off the curve alike; the range
    // is checked here, not left to the library.
    const x = bytesToBigInt(encodedPublicKey.subarray(1, 1 + ScalarSizeBytes));
    const y = bytesToBigInt(encodedPublicKey.subarray(1 + ScalarSizeBytes));
    const hex = toHex(encodedPublicKey);
    if (x >= FieldPrime || y >= FieldPrime || !isOnCurve(hex)) {
      throw new InvalidKeyException(this.name, 'public key is not a point on sm2p256v1');
    }
    return hex;
  }

  verifyCore(publicHandle, message, signature) {
    // BouncyCastle's SM2Signer refuses r or s outside [1, n-1] before any arithmetic; so do we, rather
    // than rely on the library's scalar checks.
    const r = bytesToBigInt(signature.subarray(0, ScalarSizeBytes));
    const s = bytesToBigInt(signature.subarray(ScalarSizeBytes));
    if (r < 1n || r >= Order || s < 1n || s >= Order) {
      return false;
    }
    return sm2DoVerifySignature(message, toHex(signature), publicHandle, { der: false, hash: true, userId: DefaultUserId });
  }
}

export const sm2Sm3Suite = new Sm2Sm3Suite();
