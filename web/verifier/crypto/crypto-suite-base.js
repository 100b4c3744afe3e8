// Port of Ledger.Core/Crypto/CryptoSuiteBase.cs (verification half): argument checking and the
// exception policy shared by the three suites. Subclasses supply parsePublicKey and verifyCore.
import { InvalidKeyException } from '#ledger/crypto/invalid-key-exception.js';
import { PublicKey } from '#ledger/keys/public-key.js';

export const ScalarSizeBytes = 32;
export const FixedSignatureSizeBytes = 64;

export class CryptoSuiteBase {
  get privateKeySizeBytes() {
    return ScalarSizeBytes;
  }

  get signatureSizeBytes() {
    return FixedSignatureSizeBytes;
  }

  /** Parses and validates an encoded public key; throws InvalidKeyException with C#'s message. */
  decodePublicKey(encodedPublicKey) {
    if (!(encodedPublicKey instanceof Uint8Array)) {
      throw new TypeError('encodedPublicKey must be a Uint8Array');
    }
    if (encodedPublicKey.length !== this.publicKeySizeBytes) {
      throw new InvalidKeyException(this.name, `an encoded public key is ${this.publicKeySizeBytes} bytes, was ${encodedPublicKey.length}`);
    }
    let handle;
    try {
      handle = this.parsePublicKey(encodedPublicKey);
    } catch (error) {
      if (error instanceof InvalidKeyException) {
        throw error;
      }
      // Whatever the library throws for bytes it cannot use, callers see one typed refusal.
      throw new InvalidKeyException(this.name, 'public key is not a usable point', { cause: error });
    }
    return new PublicKey(this, Uint8Array.from(encodedPublicKey), handle);
  }

  /** Like decodePublicKey but null instead of throwing on an invalid key. */
  tryDecodePublicKey(encodedPublicKey) {
    try {
      return this.decodePublicKey(encodedPublicKey);
    } catch (error) {
      if (error instanceof InvalidKeyException) {
        return null;
      }
      throw error;
    }
  }

  /** Key id of an encoded public key: the suite hash over it. Does not validate the key. */
  deriveKeyId(encodedPublicKey) {
    return this.hash.hash(encodedPublicKey);
  }

  /** True only for a valid signature; never throws on malformed signatures or a key of another suite. */
  verify(publicKey, message, signature) {
    if (publicKey === null || publicKey === undefined) {
      throw new TypeError('publicKey is required');
    }
    if (publicKey.suite !== this || !(signature instanceof Uint8Array) || signature.length !== FixedSignatureSizeBytes) {
      return false;
    }
    try {
      return this.verifyCore(publicKey.handle, message, signature) === true;
    } catch {
      // Untrusted bytes must yield "invalid", never an exception a caller could mistake for an outage.
      return false;
    }
  }

  toString() {
    return this.name;
  }
}
