// Schema-driven protobuf decoding and encoding with Google.Protobuf C#'s semantics, for the few
// ledger.v1 messages the verifier reads (schemas in #ledger/protobuf/{transaction,block,proof,registry}.js).
//
// Decoding (MessageParser.ParseFrom): fields of an unexpected wire type and unknown field numbers are
// kept as unknown fields; the last value wins for scalars; an embedded message seen twice is merged;
// repeated numeric fields accept packed and unpacked forms; a oneof keeps its last member (a message
// member seen twice in a row is merged); a string that is not valid UTF-8 is refused, as C# 3.x does;
// at most 100 nested messages or groups (CodedInputStream's default recursion limit). 64-bit integers are BigInt, bytes are Uint8Array (views into the input).
// Encoding (ToByteArray): known fields in declaration order, proto3 defaults omitted (except a set
// oneof member or optional field), repeated numerics packed, then the unknown fields grouped by field
// number in first-seen order, each number's varints, fixed32s, fixed64s, length-delimited values and
// groups in that order, as Google.Protobuf's UnknownFieldSet writes them.
import { utf8DecodeStrict, utf8Encode } from '#ledger/bytes/bytes.js';
import { InvalidProtocolBufferException } from '#ledger/protobuf/invalid-protocol-buffer-exception.js';
import { RecursionLimit, WireReader, WireType, truncated } from '#ledger/protobuf/wire-reader.js';
import { WireWriter } from '#ledger/protobuf/wire-writer.js';

const scalarWireTypes = Object.freeze({
  string: WireType.LengthDelimited,
  bytes: WireType.LengthDelimited,
  message: WireType.LengthDelimited,
  bool: WireType.Varint,
  enum: WireType.Varint,
  int32: WireType.Varint,
  uint32: WireType.Varint,
  int64: WireType.Varint,
  uint64: WireType.Varint,
  fixed64: WireType.Fixed64,
  fixed32: WireType.Fixed32,
});

/**
 * A message schema. fields: [{ number, name, type, repeated?, optional?, oneof?, message?: () => schema }],
 * in the .proto's declaration order.
 */
export function messageSchema(fullName, fields) {
  const byNumber = new Map();
  const oneofs = new Set();
  for (const field of fields) {
    if (!(field.type in scalarWireTypes)) {
      throw new Error(`${fullName}.${field.name}: unknown type ${field.type}`);
    }
    byNumber.set(field.number, field);
    if (field.oneof) {
      oneofs.add(field.oneof);
    }
  }
  return Object.freeze({ fullName, fields, byNumber, oneofs: [...oneofs] });
}

function defaultValue(field) {
  if (field.repeated) {
    return [];
  }
  if (field.optional || field.oneof || field.type === 'message') {
    return null;
  }
  switch (field.type) {
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'bool':
      return false;
    case 'int64':
    case 'uint64':
    case 'fixed64':
      return 0n;
    default:
      return 0;
  }
}

/** A new message with every field at its default; oneofs have a `<oneof>Case` member (null when unset). */
export function createMessage(schema) {
  const message = {};
  for (const field of schema.fields) {
    message[field.name] = defaultValue(field);
  }
  for (const oneof of schema.oneofs) {
    message[`${oneof}Case`] = null;
  }
  Object.defineProperty(message, 'unknownFields', { value: new Map(), enumerable: false, writable: true });
  return message;
}

/** MessageParser.ParseFrom: throws InvalidProtocolBufferException for bytes that are not a well-formed message. */
export function decodeMessage(schema, bytes) {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('bytes must be a Uint8Array');
  }
  const message = createMessage(schema);
  mergeFrom(schema, message, new WireReader(bytes), 0);
  return message;
}

/** Like decodeMessage but null instead of throwing for malformed bytes. */
export function tryDecodeMessage(schema, bytes) {
  try {
    return decodeMessage(schema, bytes);
  } catch (error) {
    if (error instanceof InvalidProtocolBufferException) {
      return null;
    }
    throw error;
  }
}

/** depth: how many messages or groups enclose this one (0 for the top-level message). */
function mergeFrom(schema, message, reader, depth) {
  if (depth > RecursionLimit) {
    throw new InvalidProtocolBufferException('Protocol message had too many levels of nesting.  May be malicious.  Use CodedInputStream.SetRecursionLimit() to increase the depth limit.');
  }
  while (!reader.isAtEnd) {
    const { fieldNumber, wireType } = reader.readTag();
    const field = schema.byNumber.get(fieldNumber);
    const expected = field ? scalarWireTypes[field.type] : -1;
    if (field && wireType === expected) {
      readField(field, message, reader, depth);
    } else if (field && field.repeated && isPackable(field) && wireType === WireType.LengthDelimited) {
      readPacked(field, message, reader);
    } else {
      readUnknownField(message.unknownFields, fieldNumber, wireType, reader, depth);
    }
  }
}

function isPackable(field) {
  return field.type !== 'string' && field.type !== 'bytes' && field.type !== 'message';
}

function readScalar(type, reader) {
  switch (type) {
    case 'string':
      return readString(reader);
    case 'bytes':
      return reader.readLengthDelimited();
    case 'bool':
      return reader.readVarint64() !== 0n;
    case 'uint64':
      return reader.readVarint64();
    case 'int64':
      return BigInt.asIntN(64, reader.readVarint64());
    case 'uint32':
      return reader.readVarint32();
    case 'int32':
    case 'enum':
      return reader.readVarint32() | 0;
    case 'fixed64':
      return reader.readFixed64();
    case 'fixed32':
      return reader.readFixed32();
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

/** Google.Protobuf C# (3.x current) refuses a string field that is not valid UTF-8. */
function readString(reader) {
  const bytes = reader.readLengthDelimited();
  try {
    return utf8DecodeStrict(bytes);
  } catch {
    throw new InvalidProtocolBufferException('Protocol message contained an invalid UTF-8 string.');
  }
}

function readField(field, message, reader, depth) {
  if (field.type === 'message') {
    const bytes = reader.readLengthDelimited();
    const nestedSchema = field.message();
    const nestedReader = new WireReader(bytes);
    if (field.repeated) {
      const element = createMessage(nestedSchema);
      mergeFrom(nestedSchema, element, nestedReader, depth + 1);
      message[field.name].push(element);
      return;
    }
    let target = message[field.name];
    if (field.oneof && message[`${field.oneof}Case`] !== field.name) {
      target = null;
    }
    if (target === null) {
      target = createMessage(nestedSchema);
    }
    mergeFrom(nestedSchema, target, nestedReader, depth + 1);
    setField(field, message, target);
    return;
  }
  const value = readScalar(field.type, reader);
  if (field.repeated) {
    message[field.name].push(value);
  } else {
    setField(field, message, value);
  }
}

function setField(field, message, value) {
  if (field.oneof) {
    const caseName = `${field.oneof}Case`;
    const previous = message[caseName];
    if (previous !== null && previous !== field.name) {
      message[previous] = null;
    }
    message[caseName] = field.name;
  }
  message[field.name] = value;
}

function readPacked(field, message, reader) {
  const bytes = reader.readLengthDelimited();
  const packedReader = new WireReader(bytes);
  while (!packedReader.isAtEnd) {
    message[field.name].push(readScalar(field.type, packedReader));
  }
}

function unknownField(unknownFields, fieldNumber) {
  let entry = unknownFields.get(fieldNumber);
  if (entry === undefined) {
    entry = { varint: [], fixed32: [], fixed64: [], lengthDelimited: [], group: [] };
    unknownFields.set(fieldNumber, entry);
  }
  return entry;
}

function readUnknownField(unknownFields, fieldNumber, wireType, reader, depth) {
  switch (wireType) {
    case WireType.Varint:
      unknownField(unknownFields, fieldNumber).varint.push(reader.readVarint64());
      return;
    case WireType.Fixed64:
      unknownField(unknownFields, fieldNumber).fixed64.push(reader.readFixed64());
      return;
    case WireType.LengthDelimited:
      unknownField(unknownFields, fieldNumber).lengthDelimited.push(reader.readLengthDelimited());
      return;
    case WireType.Fixed32:
      unknownField(unknownFields, fieldNumber).fixed32.push(reader.readFixed32());
      return;
    case WireType.StartGroup: {
      // C# counts the enclosing levels before entering: the 101st nested level is refused.
      if (depth >= RecursionLimit) {
        throw new InvalidProtocolBufferException('Protocol message had too many levels of nesting.  May be malicious.  Use CodedInputStream.SetRecursionLimit() to increase the depth limit.');
      }
      const group = new Map();
      for (;;) {
        if (reader.isAtEnd) {
          throw truncated();
        }
        const inner = reader.readTag();
        if (inner.wireType === WireType.EndGroup) {
          if (inner.fieldNumber !== fieldNumber) {
            throw new InvalidProtocolBufferException('Protocol message end-group tag did not match expected tag.');
          }
          break;
        }
        readUnknownField(group, inner.fieldNumber, inner.wireType, reader, depth + 1);
      }
      unknownField(unknownFields, fieldNumber).group.push(group);
      return;
    }
    case WireType.EndGroup:
      throw new InvalidProtocolBufferException('Merge an unknown field of end-group tag, indicating that the corresponding start-group was missing.');
    default:
      throw new InvalidProtocolBufferException('Protocol message contained a tag with an invalid wire type.');
  }
}

/** message.ToByteArray(). */
export function encodeMessage(schema, message) {
  const writer = new WireWriter();
  writeMessage(schema, message, writer);
  return writer.toBytes();
}

function isDefault(field, value) {
  switch (field.type) {
    case 'string':
    case 'bytes':
      return value.length === 0;
    case 'bool':
      return value === false;
    case 'message':
      return value === null;
    default:
      return value === 0 || value === 0n;
  }
}

function writeMessage(schema, message, writer) {
  for (const field of schema.fields) {
    const value = message[field.name];
    if (field.repeated) {
      if (value.length === 0) {
        continue;
      }
      if (isPackable(field)) {
        const packed = new WireWriter();
        for (const element of value) {
          writeScalar(field.type, element, packed);
        }
        writer.writeTag(field.number, WireType.LengthDelimited);
        writer.writeLengthDelimited(packed.toBytes());
      } else {
        for (const element of value) {
          writeField(field, element, writer);
        }
      }
      continue;
    }
    if (field.oneof) {
      if (message[`${field.oneof}Case`] === field.name) {
        writeField(field, value, writer);
      }
      continue;
    }
    if (field.optional ? value !== null : !isDefault(field, value)) {
      writeField(field, value, writer);
    }
  }
  writeUnknownFields(message.unknownFields ?? new Map(), writer);
}

function writeField(field, value, writer) {
  writer.writeTag(field.number, scalarWireTypes[field.type]);
  if (field.type === 'message') {
    const nested = new WireWriter();
    writeMessage(field.message(), value, nested);
    writer.writeLengthDelimited(nested.toBytes());
  } else {
    writeScalar(field.type, value, writer);
  }
}

function writeScalar(type, value, writer) {
  switch (type) {
    case 'string':
      writer.writeLengthDelimited(utf8Encode(value));
      return;
    case 'bytes':
      writer.writeLengthDelimited(value);
      return;
    case 'bool':
      writer.writeVarint64(value ? 1n : 0n);
      return;
    case 'uint64':
    case 'int64':
      writer.writeVarint64(BigInt.asUintN(64, value));
      return;
    case 'uint32':
      writer.writeVarint64(BigInt(value >>> 0));
      return;
    case 'int32':
    case 'enum':
      // Negative int32 values are sign-extended to ten bytes, as every protobuf runtime writes them.
      writer.writeVarint64(BigInt.asUintN(64, BigInt(value | 0)));
      return;
    case 'fixed64':
      writer.writeFixed64(value);
      return;
    case 'fixed32':
      writer.writeFixed32(value);
      return;
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

function writeUnknownFields(unknownFields, writer) {
  for (const [fieldNumber, entry] of unknownFields) {
    for (const value of entry.varint) {
      writer.writeTag(fieldNumber, WireType.Varint);
      writer.writeVarint64(value);
    }
    for (const value of entry.fixed32) {
      writer.writeTag(fieldNumber, WireType.Fixed32);
      writer.writeFixed32(value);
    }
    for (const value of entry.fixed64) {
      writer.writeTag(fieldNumber, WireType.Fixed64);
      writer.writeFixed64(value);
    }
    for (const value of entry.lengthDelimited) {
      writer.writeTag(fieldNumber, WireType.LengthDelimited);
      writer.writeLengthDelimited(value);
    }
    for (const group of entry.group) {
      writer.writeTag(fieldNumber, WireType.StartGroup);
      writeUnknownFields(group, writer);
      writer.writeTag(fieldNumber, WireType.EndGroup);
    }
  }
}
