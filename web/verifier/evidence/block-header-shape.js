// Port of BlockHeaderValidation.CheckShape (Ledger.Core/Blocks/BlockHeaderValidation.cs), which
// the evidence checks need before hashing a header from outside: returns the BlockValidationError
// name, 'None' when the header has a valid shape for this chain hash.
import { encode } from '#ledger/blocks/block-header-encoding.js';
import { BlockHeaderEncodingException } from '#ledger/blocks/block-header-encoding-exception.js';

export function checkShape(header, hashAlgorithm) {
  const hashSize = hashAlgorithm.hashSizeBytes;
  try {
    encode(header);
  } catch (exception) {
    if (!(exception instanceof BlockHeaderEncodingException)) {
      throw exception;
    }
    if (exception.fieldName === 'chain_id') {
      return 'ChainIdInvalid';
    }
    if (exception.fieldName === 'proposer_node_id') {
      return 'ProposerNodeIdInvalid';
    }
    // Oversize hash fields fall through to the exact length checks below.
  }
  const expectedPrevLength = header.height === 0n ? 0 : hashSize;
  if (header.prevBlockHash.length !== expectedPrevLength) {
    return 'PrevBlockHashLengthInvalid';
  }
  if (header.txRoot.length !== hashSize) {
    return 'TxRootLengthInvalid';
  }
  if (header.logRoot.length !== hashSize) {
    return 'LogRootLengthInvalid';
  }
  if (header.stateRoot.length !== 0 && header.stateRoot.length !== hashSize) {
    return 'StateRootLengthInvalid';
  }
  const txCount = BigInt(header.txCount);
  const logSizeTooSmall = header.height === 0n ? header.logSize !== txCount : header.logSize < txCount;
  return logSizeTooSmall ? 'LogSizeLessThanTxCount' : 'None';
}

/** BlockTimeBound.Describe: "±2 s", "±1.5 s", "±250 ms". */
export function describeTimeBound(skewMilliseconds) {
  if (skewMilliseconds >= 1000) {
    // "0.###": at most three decimals, trailing zeros dropped.
    const seconds = (skewMilliseconds / 1000).toFixed(3).replace(/\.?0+$/, '');
    return `±${seconds} s`;
  }
  return `±${skewMilliseconds} ms`;
}
