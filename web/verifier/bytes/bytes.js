// Byte helpers shared by the verifier modules. Bytes are Uint8Array everywhere; nothing here throws
// on content except the strict UTF-8 and hex parsers, which say why.

/** Lowercase hex of bytes (Convert.ToHexStringLower). */
export function toHex(bytes) {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) {
    hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  }
  return hex;
}

/** Bytes of a hex string (either case, even length); throws Error on anything else. */
export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error('not valid hex');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
  }
  return bytes;
}

export function concatBytes(...parts) {
  let length = 0;
  for (const part of parts) {
    length += part.length;
  }
  const result = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Byte-for-byte equality (SequenceEqual). */
export function equalBytes(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

/** Ordinal comparison (SequenceCompareTo): negative, zero or positive. */
export function compareBytes(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return a.length - b.length;
}

/** Big-endian unsigned integer of bytes as a BigInt. */
export function bytesToBigInt(bytes) {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** True when the string is well-formed UTF-16 (no lone surrogates): what .NET's strict UTF-8 encoder accepts. */
export function isWellFormedString(value) {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) {
        return false;
      }
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a string; throws Error for lone surrogates (which TextEncoder would replace by U+FFFD). */
export function utf8EncodeStrict(value) {
  if (!isWellFormedString(value)) {
    throw new Error('not well-formed Unicode');
  }
  return utf8Encoder.encode(value);
}

/** UTF-8 bytes with lone surrogates replaced by U+FFFD (.NET's Encoding.UTF8.GetBytes). */
export function utf8Encode(value) {
  return utf8Encoder.encode(value);
}

const utf8StrictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8LenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** String of UTF-8 bytes; throws Error on invalid UTF-8. */
export function utf8DecodeStrict(bytes) {
  try {
    return utf8StrictDecoder.decode(bytes);
  } catch {
    throw new Error('not valid UTF-8');
  }
}

/** String of UTF-8 bytes, invalid sequences replaced by U+FFFD (what Google.Protobuf C# does for proto3 strings). */
export function utf8Decode(bytes) {
  return utf8LenientDecoder.decode(bytes);
}

/** uint64 as 8 big-endian bytes; value is a BigInt in [0, 2^64). */
export function uint64BigEndian(value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return bytes;
}

/** int64 as 8 big-endian bytes (two's complement); value is a BigInt. */
export function int64BigEndian(value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, value));
  return bytes;
}
