// Port of Ledger.Core/Checkpoints/NoteSignature.cs: one signature line "— <key name> <base64(key id || signature)>".
import { concatBytes, utf8Encode } from '#ledger/bytes/bytes.js';
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';
import { KeyIdBytes, KeyNameBytesMax, SignatureBytesMax } from '#ledger/checkpoints/note-limits.js';
import { decode as decodeBase64, encode as encodeBase64 } from '#ledger/checkpoints/strict-base64.js';

/** The em dash (U+2014) and space that start every signature line. */
export const LinePrefix = '\u2014 ';

/** .NET char.IsWhiteSpace. */
function isWhiteSpace(c) {
  return /[\p{Zs}\u2028\u2029\t\n\v\f\r\u0085]/u.test(c);
}

/** .NET char.IsControl (category Cc). */
function isControl(c) {
  const code = c.charCodeAt(0);
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function hasValidSurrogates(name) {
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
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

/** C2SP: non-empty, no Unicode spaces, no '+'; plus our bound and no control characters. */
export function isValidKeyName(name) {
  if (typeof name !== 'string' || name.length === 0 || utf8Encode(name).length > KeyNameBytesMax) {
    return false;
  }
  // UTF-16 units, as C#'s foreach over a string sees them.
  for (let i = 0; i < name.length; i++) {
    const unit = name.charAt(i);
    if (isWhiteSpace(unit) || unit === '+' || isControl(unit)) {
      return false;
    }
  }
  return hasValidSurrogates(name);
}

export class NoteSignature {
  /** keyId: Number in [0, 2^32); signature: the bytes after the key id. */
  constructor(keyName, keyId, signature) {
    if (!isValidKeyName(keyName)) {
      throw new NoteFormatException(`key name is not 1-${KeyNameBytesMax} bytes without spaces, '+' or control characters`);
    }
    if (signature.length < 1 || signature.length > SignatureBytesMax - KeyIdBytes) {
      throw new NoteFormatException(`a signature is 1-${SignatureBytesMax - KeyIdBytes} bytes after the key id, was ${signature.length}`);
    }
    this.keyName = keyName;
    this.keyId = keyId >>> 0;
    this.signature = Uint8Array.from(signature);
    Object.freeze(this);
  }

  /** base64(key id || signature), as it appears on the line. */
  get base64() {
    const keyId = new Uint8Array(KeyIdBytes);
    new DataView(keyId.buffer).setUint32(0, this.keyId);
    return encodeBase64(concatBytes(keyId, this.signature));
  }

  /** Key id as 8 lowercase hex digits. */
  get keyIdHex() {
    return this.keyId.toString(16).padStart(8, '0');
  }

  /** The full line, newline included. */
  formatLine() {
    return `${LinePrefix}${this.keyName} ${this.base64}\n`;
  }

  sameAs(other) {
    return this.keyName === other.keyName && this.keyId === other.keyId && this.signature.length === other.signature.length
      && this.signature.every((value, index) => value === other.signature[index]);
  }

  /** Parses the part of a line after the prefix: "<name> <base64>" (no newline). */
  static parseLineBody(body, lineNumber) {
    const space = body.indexOf(' ');
    if (space < 0 || body.indexOf(' ', space + 1) >= 0) {
      throw new NoteFormatException(`signature line ${lineNumber} is not '\u2014 <key name> <base64>'`);
    }
    const name = body.substring(0, space);
    if (!isValidKeyName(name)) {
      throw new NoteFormatException(`signature line ${lineNumber} has an invalid key name`);
    }
    const blob = decodeBase64(body.substring(space + 1), SignatureBytesMax, `signature line ${lineNumber}`);
    if (blob.length <= KeyIdBytes) {
      throw new NoteFormatException(`signature line ${lineNumber} decodes to ${blob.length} bytes, fewer than a key id and a signature`);
    }
    const keyId = new DataView(blob.buffer, blob.byteOffset, KeyIdBytes).getUint32(0);
    return new NoteSignature(name, keyId, blob.subarray(KeyIdBytes));
  }
}
