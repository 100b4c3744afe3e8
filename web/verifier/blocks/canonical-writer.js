// Port of Ledger.Core/Blocks/CanonicalWriter.cs: a sequential big-endian writer (growable here).
import { int64BigEndian, uint64BigEndian } from '#ledger/bytes/bytes.js';

export class CanonicalWriter {
  constructor() {
    this.parts = [];
    this.position = 0;
  }

  writeBytes(value) {
    this.parts.push(Uint8Array.from(value));
    this.position += value.length;
  }

  writeUInt16(value) {
    this.writeBytes(Uint8Array.of((value >>> 8) & 0xff, value & 0xff));
  }

  writeUInt32(value) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value >>> 0);
    this.writeBytes(bytes);
  }

  /** value: BigInt in [0, 2^64). */
  writeUInt64(value) {
    this.writeBytes(uint64BigEndian(value));
  }

  /** value: BigInt (two's complement). */
  writeInt64(value) {
    this.writeBytes(int64BigEndian(value));
  }

  /** uint16 big-endian length, then the bytes; the caller has checked the length fits a uint16. */
  writeLengthPrefixed(value) {
    if (value.length > 0xffff) {
      throw new RangeError(`length ${value.length} does not fit a uint16`);
    }
    this.writeUInt16(value.length);
    this.writeBytes(value);
  }

  toBytes() {
    const result = new Uint8Array(this.position);
    let offset = 0;
    for (const part of this.parts) {
      result.set(part, offset);
      offset += part.length;
    }
    return result;
  }
}
