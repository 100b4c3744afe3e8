// Port of Ledger.Core/Blocks/LogLeaf.cs: leaf bytes = "ledger/v1/log-leaf\0" || tx_hash || H(result bytes);
// result bytes = code (u8) || reason length (u16 BE) || reason UTF-8 || reference length (u8) || reference
// [|| root length (u8) || item_outcomes_root, only when that root is non-empty].
import { concatBytes, utf8Encode } from '#ledger/bytes/bytes.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';

export const ReasonBytesMax = 4096;
export const ReferenceBytesMax = 64;
export const ItemOutcomesRootBytesMax = 64;

export const Context = Uint8Array.from('ledger/v1/log-leaf\0', (c) => c.charCodeAt(0));

/** The canonical bytes of a decoded TransactionResult; throws RangeError when it breaks the leaf's bounds (as C# throws ArgumentException). */
export function encodeResult(result) {
  // .NET's Encoding.UTF8 replaces lone surrogates with U+FFFD, as TextEncoder does.
  const reason = utf8Encode(result.reason);
  if (reason.length > ReasonBytesMax) {
    throw new RangeError(`result reason is ${reason.length} bytes, more than ${ReasonBytesMax}`);
  }
  const reference = result.referenceTxHash;
  if (reference.length > ReferenceBytesMax) {
    throw new RangeError(`result reference is ${reference.length} bytes, more than ${ReferenceBytesMax}`);
  }
  if (result.code < 0 || result.code > 255) {
    throw new RangeError(`result code ${result.code} does not fit the leaf encoding`);
  }
  const root = result.itemOutcomesRoot;
  if (root.length > ItemOutcomesRootBytesMax) {
    throw new RangeError(`result item outcomes root is ${root.length} bytes, more than ${ItemOutcomesRootBytesMax}`);
  }
  const parts = [Uint8Array.of(result.code, reason.length >> 8, reason.length & 0xff), reason, Uint8Array.of(reference.length), reference];
  if (root.length > 0) {
    parts.push(Uint8Array.of(root.length), root);
  }
  return concatBytes(...parts);
}

/** The leaf bytes for a transaction hash and its result. */
export function encode(transactionHash, result, hashAlgorithm) {
  if (transactionHash.length !== hashAlgorithm.hashSizeBytes) {
    throw new RangeError(`transaction hash is ${transactionHash.length} bytes, expected ${hashAlgorithm.hashSizeBytes}`);
  }
  return concatBytes(Context, transactionHash, hashAlgorithm.hash(encodeResult(result)));
}

/** The RFC 9162 leaf hash H(0x00 || leaf bytes) a proof for this transaction starts from. */
export function merkleLeafHash(transactionHash, result, hashAlgorithm) {
  return new MerkleHasher(hashAlgorithm).hashLeaf(encode(transactionHash, result, hashAlgorithm));
}
