// Port of Ledger.Core/Merkle/MerkleHasher.cs: RFC 9162 §2.1.1 tree hashing over one hash algorithm.
import { concatBytes } from '#ledger/bytes/bytes.js';

export const HashSizeBytesMax = 64;

const LeafPrefix = Uint8Array.of(0x00);
const NodePrefix = Uint8Array.of(0x01);

export class MerkleHasher {
  /** @param algorithm { name, hashSizeBytes, hash(Uint8Array): Uint8Array } */
  constructor(algorithm) {
    if (!algorithm) {
      throw new TypeError('algorithm is required');
    }
    if (algorithm.hashSizeBytes <= 0 || algorithm.hashSizeBytes > HashSizeBytesMax) {
      throw new RangeError(`hash size must be in 1..${HashSizeBytesMax} bytes, was ${algorithm.hashSizeBytes}`);
    }
    this.algorithm = algorithm;
    this.hashSizeBytes = algorithm.hashSizeBytes;
  }

  /** The root of the tree with no leaves: H(""). */
  emptyRoot() {
    return this.algorithm.hash(new Uint8Array(0));
  }

  /** H(0x00 || leaf). */
  hashLeaf(leaf) {
    return this.algorithm.hash(concatBytes(LeafPrefix, leaf));
  }

  /** H(0x01 || left || right). */
  hashChildren(left, right) {
    if (left.length !== this.hashSizeBytes) {
      throw new RangeError(`left child must be ${this.hashSizeBytes} bytes, was ${left.length}`);
    }
    if (right.length !== this.hashSizeBytes) {
      throw new RangeError(`right child must be ${this.hashSizeBytes} bytes, was ${right.length}`);
    }
    return this.algorithm.hash(concatBytes(NodePrefix, left, right));
  }
}
