// Port of Ledger.Core/Signing/ChainIdRules.cs: a chain id is 1..128 bytes of well-formed UTF-8.
import { isWellFormedString, utf8EncodeStrict } from '#ledger/bytes/bytes.js';
import { LedgerCryptoException } from '#ledger/crypto/ledger-crypto-exception.js';

export const Utf8BytesMax = 128;

/** Port of InvalidChainIdException. */
export class InvalidChainIdException extends LedgerCryptoException {
  constructor(message, options) {
    super(message, options);
    this.name = 'InvalidChainIdException';
  }
}

/** The UTF-8 length of a valid chain id; throws InvalidChainIdException otherwise. */
export function validate(chainId) {
  if (typeof chainId !== 'string') {
    throw new TypeError('chainId must be a string');
  }
  if (chainId.length === 0) {
    throw new InvalidChainIdException('chain id is empty');
  }
  if (!isWellFormedString(chainId)) {
    throw new InvalidChainIdException('chain id is not well-formed Unicode');
  }
  const byteCount = utf8EncodeStrict(chainId).length;
  if (byteCount > Utf8BytesMax) {
    throw new InvalidChainIdException(`chain id is ${byteCount} UTF-8 bytes; the maximum is ${Utf8BytesMax}`);
  }
  return byteCount;
}
