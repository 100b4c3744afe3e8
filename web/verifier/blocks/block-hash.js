// Port of Ledger.Core/Blocks/BlockHash.cs: block_hash = H(canonical header bytes), H the suite hash.
import { encode } from '#ledger/blocks/block-header-encoding.js';

/** Throws BlockHeaderEncodingException for a header that cannot be encoded. */
export function compute(header, hashAlgorithm) {
  return hashAlgorithm.hash(encode(header));
}
