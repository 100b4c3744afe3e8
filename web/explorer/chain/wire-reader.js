// Just enough protobuf wire-format reading to show what a transaction says (its envelope and the
// body of a registration). Display only: nothing here decides validity, the node and the verifier
// do. Malformed bytes give null, never an exception.

/** Fields of a message as { number → [values] }: varints as BigInt, length-delimited as Uint8Array. */
export function readFields(bytes) {
  const fields = new Map();
  let offset = 0;
  while (offset < bytes.length) {
    const key = readVarint(bytes, offset);
    if (!key) {
      return null;
    }
    offset = key.next;
    const number = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    let value;
    if (wireType === 0) {
      const varint = readVarint(bytes, offset);
      if (!varint) {
        return null;
      }
      value = varint.value;
      offset = varint.next;
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset);
      if (!length || length.next + Number(length.value) > bytes.length) {
        return null;
      }
      value = bytes.subarray(length.next, length.next + Number(length.value));
      offset = length.next + Number(length.value);
    } else if (wireType === 1) {
      if (offset + 8 > bytes.length) {
        return null;
      }
      value = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
      offset += 8;
    } else if (wireType === 5) {
      if (offset + 4 > bytes.length) {
        return null;
      }
      value = BigInt(new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true));
      offset += 4;
    } else {
      return null;
    }
    if (!fields.has(number)) {
      fields.set(number, []);
    }
    fields.get(number).push(value);
  }
  return fields;
}

function readVarint(bytes, offset) {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (offset >= bytes.length) {
      return null;
    }
    const byte = bytes[offset++];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      return { value, next: offset };
    }
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The last value of a field (proto3: the last one wins), or undefined. */
export const last = (fields, number) => fields?.get(number)?.at(-1);
export const text = (fields, number) => {
  const value = last(fields, number);
  return value instanceof Uint8Array ? utf8.decode(value) : '';
};
export const bytes = (fields, number) => {
  const value = last(fields, number);
  return value instanceof Uint8Array ? value : new Uint8Array(0);
};
export const integer = (fields, number) => {
  const value = last(fields, number);
  return typeof value === 'bigint' ? value : 0n;
};
