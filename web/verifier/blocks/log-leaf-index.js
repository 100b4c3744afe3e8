// Port of Ledger.Core/Blocks/LogLeafIndex.cs: the transaction at position of a block is log leaf
// log_size - tx_count + position; requires position < tx_count <= log_size. BigInt log sizes.

/** The leaf index, or null (never an exception) unless position < txCount <= logSize. The one place the bounds are checked. */
export function tryGet(logSize, txCount, position) {
  const size = BigInt(logSize);
  const count = BigInt(txCount);
  const at = BigInt(position);
  if (at >= count || count > size) {
    return null;
  }
  return size - count + at;
}

/** tryGet for a decoded header. */
export function tryGetForHeader(header, position) {
  return tryGet(header.logSize, header.txCount, position);
}

/** Like tryGet but throws RangeError with C#'s message. */
export function get(logSize, txCount, position) {
  const leafIndex = tryGet(logSize, txCount, position);
  if (leafIndex === null) {
    throw new RangeError(`no transaction at this position of a block of ${txCount} transactions ending a log of ${logSize} leaves`);
  }
  return leafIndex;
}
