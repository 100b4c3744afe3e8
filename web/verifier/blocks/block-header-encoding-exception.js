// Port of Ledger.Core/Blocks/BlockHeaderEncodingException.cs.
import { LedgerCryptoException } from '#ledger/crypto/ledger-crypto-exception.js';

export class BlockHeaderEncodingException extends LedgerCryptoException {
  constructor(fieldName, message, options) {
    super(`block header field ${fieldName}: ${message}`, options);
    this.name = 'BlockHeaderEncodingException';
    this.fieldName = fieldName;
  }
}
