// Port of Ledger.Core/Keys/PublicKey.cs: a parsed, validated public key of one suite. Obtain one from
// suite.decodePublicKey; keyId is the suite hash of the encoding.
import { toHex } from '#ledger/bytes/bytes.js';

export class PublicKey {
  /** Internal: only CryptoSuiteBase.decodePublicKey constructs these. */
  constructor(suite, encoded, handle) {
    this.suite = suite;
    this.encoded = encoded;
    this.handle = handle;
    this.keyId = suite.deriveKeyId(encoded);
    Object.freeze(this);
  }

  /** Shorthand for suite.verify with this key. */
  verify(message, signature) {
    return this.suite.verify(this, message, signature);
  }

  /** KeyId.Matches: byte equality with raw key id bytes (e.g. an envelope's signer_key_id). */
  keyIdMatches(other) {
    if (!(other instanceof Uint8Array) || other.length !== this.keyId.length) {
      return false;
    }
    return this.keyId.every((value, index) => value === other[index]);
  }

  toString() {
    return `PublicKey(${this.suite.name}, key_id=${toHex(this.keyId)})`;
  }
}
