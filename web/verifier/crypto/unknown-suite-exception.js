// Port of Ledger.Core/Crypto/UnknownSuiteException.cs.
import { LedgerCryptoException } from '#ledger/crypto/ledger-crypto-exception.js';

const knownNames = ['p256-sha256', 'ed25519', 'sm2-sm3'];

export class UnknownSuiteException extends LedgerCryptoException {
  constructor(suiteName) {
    super(`unknown crypto suite '${suiteName}'; known suites: ${knownNames.join(', ')}`);
    this.name = 'UnknownSuiteException';
    this.suiteName = suiteName;
  }
}
