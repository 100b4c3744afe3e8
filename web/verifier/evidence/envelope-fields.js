// Port of Ledger.Core/Evidence/EnvelopeFields.cs: reads a TransactionEnvelope's type and signer
// key id straight from the protobuf bytes; malformed input yields null, never an exception.
const TypeFieldNumber = 3;
const SignerKeyIdFieldNumber = 5;

/** ProtobufVarint.TryRead: a varint of at most 10 bytes; null when truncated or overlong. */
function readVarint(bytes, state) {
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    if (state.position >= bytes.length) {
      return null;
    }
    const b = bytes[state.position++];
    result |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) {
      return result & 0xffffffffffffffffn;
    }
  }
  return null;
}

/** {type, signerKeyId} or null when the bytes are not a well-formed field sequence. */
export function tryRead(envelope) {
  let type = 0;
  let signerKeyId = new Uint8Array(0);
  const state = { position: 0 };
  while (state.position < envelope.length) {
    const tag = readVarint(envelope, state);
    if (tag === null) {
      return null;
    }
    const field = Number(BigInt.asIntN(32, tag >> 3n));
    switch (Number(tag & 7n)) {
      case 0: {
        const value = readVarint(envelope, state);
        if (value === null) {
          return null;
        }
        if (field === TypeFieldNumber) {
          type = Number(BigInt.asIntN(32, value));
        }
        break;
      }
      case 1:
        state.position += 8;
        break;
      case 2: {
        const length = readVarint(envelope, state);
        if (length === null || length > BigInt(envelope.length - state.position)) {
          return null;
        }
        if (field === SignerKeyIdFieldNumber) {
          signerKeyId = envelope.subarray(state.position, state.position + Number(length));
        }
        state.position += Number(length);
        break;
      }
      case 5:
        state.position += 4;
        break;
      default:
        return null;
    }
  }
  return state.position === envelope.length ? { type, signerKeyId } : null;
}

/** The type as TryRead leaves it even on failure (C# callers ignore the success flag). */
export function readType(envelope) {
  const fields = tryRead(envelope);
  return fields === null ? typeBeforeFailure(envelope) : fields.type;
}

function typeBeforeFailure(envelope) {
  // C#'s out parameter keeps the last type read before the failure; replay up to it.
  let type = 0;
  const state = { position: 0 };
  while (state.position < envelope.length) {
    const tag = readVarint(envelope, state);
    if (tag === null) {
      return type;
    }
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const value = readVarint(envelope, state);
      if (value === null) {
        return type;
      }
      if (Number(BigInt.asIntN(32, tag >> 3n)) === TypeFieldNumber) {
        type = Number(BigInt.asIntN(32, value));
      }
    } else if (wire === 1) {
      state.position += 8;
    } else if (wire === 5) {
      state.position += 4;
    } else if (wire === 2) {
      const length = readVarint(envelope, state);
      if (length === null || length > BigInt(envelope.length - state.position)) {
        return type;
      }
      state.position += Number(length);
    } else {
      return type;
    }
  }
  return type;
}
