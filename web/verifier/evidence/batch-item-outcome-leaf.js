// Port of Ledger.Core/Evidence/BatchItemOutcomeLeaf.cs: canonical bytes of one batch item's
// outcome, the leaf input of the tree whose root is the batch result's item_outcomes_root:
// "ledger/v1/batch-item-outcome\0" || u32 BE item index || u8 code || u16 BE reason length ||
// reason || u8 length || reference work id || u8 length || reference tx hash.
import { ReasonBytesMax } from '#ledger/blocks/log-leaf.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { ArgumentException } from '#ledger/evidence/batch-item-leaf.js';

export const ReferenceBytesMax = 64;
export const Context = new TextEncoder().encode('ledger/v1/batch-item-outcome\0');

/** outcome: {itemIndex, code, reason, referenceWorkId, referenceTxHash}; throws ArgumentException past the bounds. */
export function encode(outcome) {
  const reason = new TextEncoder().encode(outcome.reason ?? '');
  if (reason.length > ReasonBytesMax) {
    throw new ArgumentException(`item outcome reason is ${reason.length} bytes, more than ${ReasonBytesMax}`, 'outcome');
  }
  const workId = outcome.referenceWorkId ?? new Uint8Array(0);
  const txHash = outcome.referenceTxHash ?? new Uint8Array(0);
  if (workId.length > ReferenceBytesMax) {
    throw new ArgumentException(`item outcome reference work id is ${workId.length} bytes, more than ${ReferenceBytesMax}`, 'outcome');
  }
  if (txHash.length > ReferenceBytesMax) {
    throw new ArgumentException(`item outcome reference tx hash is ${txHash.length} bytes, more than ${ReferenceBytesMax}`, 'outcome');
  }
  if (outcome.code < 0 || outcome.code > 255) {
    throw new ArgumentException(`item outcome code ${outcome.code} does not fit the leaf encoding`, 'outcome');
  }
  const bytes = new Uint8Array(Context.length + 4 + 1 + 2 + reason.length + 1 + workId.length + 1 + txHash.length);
  let offset = 0;
  bytes.set(Context, offset);
  offset += Context.length;
  const index = outcome.itemIndex >>> 0;
  bytes.set([index >>> 24, (index >>> 16) & 255, (index >>> 8) & 255, index & 255], offset);
  offset += 4;
  bytes[offset++] = outcome.code;
  bytes[offset++] = reason.length >> 8;
  bytes[offset++] = reason.length & 255;
  bytes.set(reason, offset);
  offset += reason.length;
  bytes[offset++] = workId.length;
  bytes.set(workId, offset);
  offset += workId.length;
  bytes[offset++] = txHash.length;
  bytes.set(txHash, offset);
  return bytes;
}

/** The RFC 9162 leaf hash H(0x00 || leaf bytes) an item outcome proof starts from. */
export function merkleLeafHash(outcome, hashAlgorithm) {
  return new MerkleHasher(hashAlgorithm).hashLeaf(encode(outcome));
}

/** BatchItemOutcomeTree.RejectedReason: "ReasonName: detail". */
export function rejectedReason(rejection) {
  return `${rejection.reasonCode}: ${rejection.reason}`;
}
