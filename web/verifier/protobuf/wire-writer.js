// Protobuf wire-format writing into a growable buffer (the encoder half of #ledger/protobuf/message-codec.js).
export class WireWriter {
  constructor() {
    this.buffer = new Uint8Array(64);
    this.length = 0;
  }

  ensure(extra) {
    if (this.length + extra <= this.buffer.length) {
      return;
    }
    let size = this.buffer.length * 2;
    while (size < this.length + extra) {
      size *= 2;
    }
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  writeByte(value) {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned BigInt below 2^64 as a varint. */
  writeVarint64(value) {
    let remaining = BigInt.asUintN(64, value);
    while (remaining >= 0x80n) {
      this.writeByte(Number(remaining & 0x7fn) | 0x80);
      remaining >>= 7n;
    }
    this.writeByte(Number(remaining));
  }

  writeTag(fieldNumber, wireType) {
    this.writeVarint64(BigInt(((fieldNumber << 3) | wireType) >>> 0));
  }

  writeBytes(bytes) {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  writeLengthDelimited(bytes) {
    this.writeVarint64(BigInt(bytes.length));
    this.writeBytes(bytes);
  }

  writeFixed64(value) {
    this.ensure(8);
    new DataView(this.buffer.buffer).setBigUint64(this.length, BigInt.asUintN(64, value), true);
    this.length += 8;
  }

  writeFixed32(value) {
    this.ensure(4);
    new DataView(this.buffer.buffer).setUint32(this.length, value >>> 0, true);
    this.length += 4;
  }

  toBytes() {
    return this.buffer.slice(0, this.length);
  }
}
