// Port of Ledger.Core/Crypto/LedgerCryptoException.cs.
export class LedgerCryptoException extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'LedgerCryptoException';
  }
}
