// The ledger.v1 messages the evidence verifier reads, decoded with Google.Protobuf's (C#) rules so
// that what C# refuses (truncated input, bad wire types, invalid UTF-8 in strings) is refused here
// too and what it accepts (unknown fields, repeated singular fields: last wins, repeated message
// fields: merged) is read the same way. Unknown fields are kept in C#'s order so that
// SignedTransaction re-encodes byte for byte as C#'s ToByteArray does (the bundle's canonical check).
// 64-bit integers are BigInt; 32-bit ones and enums are Number.

export class InvalidProtocolBufferException extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidProtocolBufferException';
  }
}

/** Google.Protobuf refuses a string field that is not valid UTF-8. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeString(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidProtocolBufferException('String is invalid UTF-8.');
  }
}

const MASK64 = (1n << 64n) - 1n;

class Input {
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0;
  }

  get done() {
    return this.pos >= this.bytes.length;
  }

  varint() {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) {
        throw new InvalidProtocolBufferException('While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.');
      }
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        return result & MASK64;
      }
    }
    throw new InvalidProtocolBufferException('CodedInputStream encountered a malformed varint.');
  }

  tag() {
    const tag = this.varint() & 0xffffffffn;
    if (tag === 0n || tag >> 3n === 0n) {
      throw new InvalidProtocolBufferException('Protocol message contained an invalid tag (zero).');
    }
    return Number(tag);
  }

  take(length) {
    if (length > this.bytes.length - this.pos) {
      throw new InvalidProtocolBufferException('While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.');
    }
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }

  lengthDelimited() {
    const length = this.varint() & 0xffffffffn;
    if (length >= 0x80000000n) {
      throw new InvalidProtocolBufferException('CodedInputStream encountered an embedded string or message which claimed to have negative size.');
    }
    return this.take(Number(length));
  }

  fixed64() {
    const b = this.take(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) {
      v = (v << 8n) | BigInt(b[i]);
    }
    return v;
  }

  fixed32() {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  /** Skips a group's fields up to its end tag, returning them raw (kept only to be re-written). */
  group(fieldNumber, depth) {
    const start = this.pos;
    if (depth > 100) {
      throw new InvalidProtocolBufferException('Protocol message had too many levels of nesting.');
    }
    for (;;) {
      if (this.done) {
        throw new InvalidProtocolBufferException('While parsing a protocol message, the input ended unexpectedly in the middle of a field.');
      }
      const tagStart = this.pos;
      const tag = this.tag();
      if ((tag & 7) === 4) {
        if (tag >>> 3 !== fieldNumber) {
          throw new InvalidProtocolBufferException('Protocol message end-group tag did not match expected tag.');
        }
        return this.bytes.subarray(start, tagStart);
      }
      this.skip(tag, depth + 1);
    }
  }

  skip(tag, depth) {
    switch (tag & 7) {
      case 0: return this.varint();
      case 1: return this.fixed64();
      case 2: return this.lengthDelimited();
      case 3: return this.group(tag >>> 3, depth);
      case 5: return this.fixed32();
      case 4: throw new InvalidProtocolBufferException('Protocol message contained an unexpected end-group tag.');
      default: throw new InvalidProtocolBufferException('Protocol message contained a tag with an invalid wire type.');
    }
  }
}

const WIRE = { string: 2, bytes: 2, message: 2, uint64: 0, int64: 0, uint32: 0, int32: 0, enum: 0, bool: 0, fixed64: 1 };

/** Schema: {fieldNumber: {name, type, schema?, repeated?, optional?, oneof?}}. */
function defaults(schema) {
  const message = { _unknown: new Map() };
  for (const field of Object.values(schema)) {
    if (field.repeated) {
      message[field.name] = [];
    } else if (field.type === 'message' || field.optional || field.oneof) {
      message[field.name] = null;
    } else {
      message[field.name] = { string: '', bytes: new Uint8Array(0), uint64: 0n, int64: 0n, fixed64: 0n, uint32: 0, int32: 0, enum: 0, bool: false }[field.type];
    }
    if (field.oneof) {
      message[field.oneof + 'Case'] = null;
    }
  }
  return message;
}

function decodeInto(message, bytes, schema, depth) {
  if (depth > 100) {
    throw new InvalidProtocolBufferException('Protocol message had too many levels of nesting.');
  }
  const input = new Input(bytes);
  while (!input.done) {
    const tag = input.tag();
    const number = tag >>> 3;
    const field = schema[number];
    if (!field || WIRE[field.type] !== (tag & 7)) {
      keepUnknown(message._unknown, tag, input, depth);
      continue;
    }
    const value = readValue(field, input, message, depth);
    if (field.repeated) {
      message[field.name].push(value);
    } else {
      message[field.name] = value;
    }
    if (field.oneof) {
      if (message[field.oneof + 'Case'] !== null && message[field.oneof + 'Case'] !== field.name) {
        message[message[field.oneof + 'Case']] = null;
      }
      message[field.oneof + 'Case'] = field.name;
    }
  }
  return message;
}

function readValue(field, input, message, depth) {
  switch (field.type) {
    case 'string': return decodeString(input.lengthDelimited());
    case 'bytes': return input.lengthDelimited().slice();
    case 'uint64': return input.varint();
    case 'int64': return BigInt.asIntN(64, input.varint());
    case 'uint32': return Number(input.varint() & 0xffffffffn);
    case 'int32':
    case 'enum': return Number(BigInt.asIntN(32, input.varint() & 0xffffffffn));
    case 'bool': return input.varint() !== 0n;
    case 'fixed64': return input.fixed64();
    case 'message': {
      const payload = input.lengthDelimited();
      const existing = field.repeated ? null : message[field.name];
      return decodeInto(existing ?? defaults(field.schema), payload, field.schema, depth + 1);
    }
    default: throw new Error(`unknown field type ${field.type}`);
  }
}

function keepUnknown(unknown, tag, input, depth) {
  const number = tag >>> 3;
  const wire = tag & 7;
  const value = input.skip(tag, depth);
  if (!unknown.has(number)) {
    unknown.set(number, { 0: [], 5: [], 1: [], 2: [], 3: [] });
  }
  unknown.get(number)[wire].push(value);
}

export function decode(bytes, schema) {
  return decodeInto(defaults(schema), bytes, schema, 0);
}

// --- schemas ---

export const SignedTransaction = {
  1: { name: 'envelope', type: 'bytes' },
  2: { name: 'signature', type: 'bytes' },
  3: { name: 'detachedItems', type: 'bytes' },
};

export const TransactionEnvelope = {
  1: { name: 'chainId', type: 'string' },
  2: { name: 'nonce', type: 'uint64' },
  3: { name: 'type', type: 'enum' },
  4: { name: 'body', type: 'bytes' },
  5: { name: 'signerKeyId', type: 'bytes' },
  6: { name: 'suite', type: 'string' },
  7: { name: 'createdUnixMs', type: 'int64' },
};

const ContentHash = { 1: { name: 'sha256', type: 'bytes' }, 2: { name: 'sm3', type: 'bytes' } };
const MetadataEntry = { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: 'string' } };
const ExternalHolder = { 1: { name: 'name', type: 'string' }, 2: { name: 'identifier', type: 'string' } };
const RightsHolder = {
  1: { name: 'memberId', type: 'string', oneof: 'holder' },
  2: { name: 'external', type: 'message', schema: ExternalHolder, oneof: 'holder' },
};
const MemberPublicKey = { 1: { name: 'suite', type: 'string' }, 2: { name: 'publicKey', type: 'bytes' } };

export const RegisterWork = {
  1: { name: 'contentHash', type: 'message', schema: ContentHash },
  2: { name: 'mediaType', type: 'enum' },
  3: { name: 'title', type: 'string' },
  4: { name: 'perceptualHash', type: 'fixed64', optional: true },
  5: { name: 'metadata', type: 'message', schema: MetadataEntry, repeated: true },
  6: { name: 'rightsHolder', type: 'message', schema: RightsHolder },
  7: { name: 'claimedCreationUnixMs', type: 'int64' },
};

export const BatchItem = {
  1: { name: 'contentSha256', type: 'bytes' },
  2: { name: 'itemId', type: 'string' },
  3: { name: 'perceptualHash', type: 'fixed64', optional: true },
  4: { name: 'contentSm3', type: 'bytes' },
};

export const BatchRegister = {
  1: { name: 'items', type: 'message', schema: BatchItem, repeated: true },
  2: { name: 'merkleRoot', type: 'bytes' },
  3: { name: 'mediaType', type: 'enum' },
  4: { name: 'rightsHolder', type: 'message', schema: RightsHolder },
  5: { name: 'itemCount', type: 'uint32' },
};

export const ProposeChange = {
  1: { name: 'addMember', type: 'message', oneof: 'change', schema: {
    1: { name: 'memberId', type: 'string' },
    2: { name: 'displayName', type: 'string' },
    3: { name: 'role', type: 'enum' },
    4: { name: 'keys', type: 'message', schema: MemberPublicKey, repeated: true },
  } },
  2: { name: 'removeMember', type: 'message', oneof: 'change', schema: { 1: { name: 'memberId', type: 'string' } } },
  3: { name: 'changeRole', type: 'message', oneof: 'change', schema: { 1: { name: 'memberId', type: 'string' }, 2: { name: 'role', type: 'enum' } } },
  4: { name: 'rotateKey', type: 'message', oneof: 'change', schema: {
    1: { name: 'memberId', type: 'string' },
    2: { name: 'oldKeyId', type: 'bytes' },
    3: { name: 'newKey', type: 'message', schema: MemberPublicKey },
  } },
  5: { name: 'addNode', type: 'message', oneof: 'change', schema: {
    1: { name: 'nodeId', type: 'string' },
    2: { name: 'address', type: 'string' },
    3: { name: 'key', type: 'message', schema: MemberPublicKey },
  } },
  6: { name: 'removeNode', type: 'message', oneof: 'change', schema: { 1: { name: 'nodeId', type: 'string' } } },
  7: { name: 'changeThreshold', type: 'message', oneof: 'change', schema: { 1: { name: 'threshold', type: 'uint32' } } },
  8: { name: 'rationale', type: 'string' },
};

export const Vote = { 1: { name: 'proposalId', type: 'bytes' }, 2: { name: 'approve', type: 'bool' } };

/** TransactionType values (transaction.proto). */
export const TransactionType = Object.freeze({
  Unspecified: 0, RegisterWork: 1, BatchRegister: 2, TransferOwnership: 3, GrantLicense: 4, RevokeLicense: 5,
  FileClaim: 6, RespondToClaim: 7, ResolveClaim: 8, PreserveEvidence: 9, RecordJudgment: 10, ProposeChange: 11, Vote: 12, Anchor: 13,
});

/** ResultCode values and their C# enum names. */
export const ResultCode = Object.freeze({ Unspecified: 0, Ok: 1, Rejected: 2 });

const MEDIA_TYPES = ['Unspecified', 'Image', 'Video', 'Audio', 'Text', 'ProductListing', 'Other'];
const RESULT_CODES = ['Unspecified', 'Ok', 'Rejected'];

/** Enum.ToString() of a C# protobuf enum: the member name, or the number when undefined. */
export const mediaTypeName = (value) => MEDIA_TYPES[value] ?? String(value);
export const resultCodeName = (value) => RESULT_CODES[value] ?? String(value);
