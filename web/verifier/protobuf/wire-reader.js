// Protobuf wire-format reading with Google.Protobuf C#'s rules on hostile bytes: varints longer than
// ten bytes, lengths past the end or negative as int32, field number 0, wire types 6 and 7, and
// unmatched end-group tags all throw InvalidProtocolBufferException.
import { InvalidProtocolBufferException } from '#ledger/protobuf/invalid-protocol-buffer-exception.js';

export const WireType = Object.freeze({ Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 });

/** Google.Protobuf's default recursion limit for nested messages and groups. */
export const RecursionLimit = 100;

const VarintBytesMax = 10;

export class WireReader {
  /** @param {Uint8Array} bytes */
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
  }

  get isAtEnd() {
    return this.position >= this.end;
  }

  /** A 64-bit varint as an unsigned BigInt (bits past 64 are dropped, as C# does). */
  readVarint64() {
    let result = 0n;
    for (let i = 0; i < VarintBytesMax; i++) {
      if (this.position >= this.end) {
        throw truncated();
      }
      const byte = this.bytes[this.position++];
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) {
        return BigInt.asUintN(64, result);
      }
    }
    throw new InvalidProtocolBufferException('CodedInputStream encountered a malformed varint.');
  }

  /** A varint truncated to its low 32 bits, unsigned (ReadRawVarint32 then uint). */
  readVarint32() {
    return Number(BigInt.asUintN(32, this.readVarint64()));
  }

  /** The tag: throws for field number 0; returns { fieldNumber, wireType, tag }. */
  readTag() {
    const tag = this.readVarint32();
    const fieldNumber = tag >>> 3;
    if (fieldNumber === 0) {
      throw new InvalidProtocolBufferException('Protocol message contained an invalid tag (zero).');
    }
    return { tag, fieldNumber, wireType: tag & 7 };
  }

  /** A length prefix: negative as int32 or past the end throws. */
  readLength() {
    const length = this.readVarint32() | 0;
    if (length < 0) {
      throw new InvalidProtocolBufferException('CodedInputStream encountered an embedded string or message which claimed to have negative size.');
    }
    if (length > this.end - this.position) {
      throw truncated();
    }
    return length;
  }

  readLengthDelimited() {
    const length = this.readLength();
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  readFixed64() {
    if (this.end - this.position < 8) {
      throw truncated();
    }
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.position, 8);
    this.position += 8;
    return view.getBigUint64(0, true);
  }

  readFixed32() {
    if (this.end - this.position < 4) {
      throw truncated();
    }
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.position, 4);
    this.position += 4;
    return view.getUint32(0, true);
  }
}

export function truncated() {
  return new InvalidProtocolBufferException('While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.');
}
