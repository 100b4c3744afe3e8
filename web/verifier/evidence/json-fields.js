// Port of Ledger.Core/Evidence/JsonFields.cs: strict readers for evidence JSON. Every object must
// have exactly the expected members (no unknown, missing or duplicate names), numbers and binary
// strings must be in their one canonical spelling, so no two files decode to the same bundle.
import { EvidenceFormatException } from '#ledger/evidence/evidence-format-exception.js';
import { Kind } from '#ledger/evidence/strict-json.js';
import { fromBase64, fromHex, toBase64, toHex } from '#ledger/evidence/text-encoding.js';

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export class JsonFields {
  constructor(path) {
    this.path = path;
    this.members = new Map();
  }

  static of(element, path, allowed) {
    if (element.kind !== Kind.Object) {
      throw new EvidenceFormatException(`${path} must be a JSON object, was ${element.kind}`);
    }
    const fields = new JsonFields(path);
    for (const [name, value] of element.members) {
      if (!allowed.includes(name)) {
        throw new EvidenceFormatException(`${path} has unknown member '${name}'`);
      }
      if (fields.members.has(name)) {
        throw new EvidenceFormatException(`${path} has member '${name}' twice`);
      }
      fields.members.set(name, value);
    }
    for (const name of allowed) {
      if (!fields.members.has(name)) {
        throw new EvidenceFormatException(`${path} lacks member '${name}'`);
      }
    }
    return fields;
  }

  pathOf(name) {
    return `${this.path}.${name}`;
  }

  element(name) {
    return this.members.get(name);
  }

  string(name) {
    const value = this.members.get(name);
    if (value.kind !== Kind.String) {
      throw new EvidenceFormatException(`${this.pathOf(name)} must be a string`);
    }
    return value.value;
  }

  /** BigInt. */
  uint64(name) {
    const value = this.members.get(name);
    if (value.kind !== Kind.Number || !/^(0|[1-9][0-9]*)$/.test(value.raw) || BigInt(value.raw) > UINT64_MAX) {
      throw new EvidenceFormatException(`${this.pathOf(name)} must be a non-negative integer in plain decimal`);
    }
    return BigInt(value.raw);
  }

  /** Number. */
  uint32(name) {
    const number = this.uint64(name);
    if (number > 0xffffffffn) {
      throw new EvidenceFormatException(`${this.pathOf(name)} exceeds 4294967295`);
    }
    return Number(number);
  }

  /** BigInt. */
  int64(name) {
    const value = this.members.get(name);
    if (value.kind !== Kind.Number || !/^(0|-?[1-9][0-9]*)$/.test(value.raw)
      || BigInt(value.raw) < INT64_MIN || BigInt(value.raw) > INT64_MAX) {
      throw new EvidenceFormatException(`${this.pathOf(name)} must be an integer in plain decimal`);
    }
    return BigInt(value.raw);
  }

  hex(name) {
    return JsonFields.parseHex(this.string(name), this.pathOf(name));
  }

  base64(name) {
    return JsonFields.parseBase64(this.string(name), this.pathOf(name));
  }

  array(name) {
    const value = this.members.get(name);
    if (value.kind !== Kind.Array) {
      throw new EvidenceFormatException(`${this.pathOf(name)} must be an array`);
    }
    return value;
  }

  static parseHex(text, path) {
    const bytes = fromHex(text);
    if (bytes === null) {
      throw new EvidenceFormatException(`${path} is not hex`);
    }
    if (toHex(bytes) !== text) {
      throw new EvidenceFormatException(`${path} must be lower-case hex`);
    }
    return bytes;
  }

  static parseBase64(text, path) {
    // Convert.FromBase64String skips whitespace; the canonical check below refuses it anyway.
    const bytes = fromBase64(text.replace(/[ \t\r\n]/g, ''));
    if (bytes === null) {
      throw new EvidenceFormatException(`${path} is not base64`);
    }
    if (toBase64(bytes) !== text) {
      throw new EvidenceFormatException(`${path} is not canonical base64 (padded, no whitespace, zero trailing bits)`);
    }
    return bytes;
  }
}
