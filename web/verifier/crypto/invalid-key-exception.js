// Port of Ledger.Core/Crypto/InvalidKeyException.cs: same message, "invalid <suite> key: <reason>".
import { LedgerCryptoException } from '#ledger/crypto/ledger-crypto-exception.js';

export class InvalidKeyException extends LedgerCryptoException {
  constructor(suiteName, reason, options) {
    super(`invalid ${suiteName} key: ${reason}`, options);
    this.name = 'InvalidKeyException';
    this.suiteName = suiteName;
  }
}
