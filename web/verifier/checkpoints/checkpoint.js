// Port of Ledger.Core/Checkpoints/Checkpoint.cs: a C2SP tlog-checkpoint note text
// "<origin>\n<tree size>\n<base64 root>\n[<extension>\n ...]". treeSize is a BigInt.
import { equalBytes, utf8Encode } from '#ledger/bytes/bytes.js';
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';
import { ExtensionLineBytesMax, ExtensionLinesMax, OriginBytesMax, RootHashBytes } from '#ledger/checkpoints/note-limits.js';
import { isValidKeyName } from '#ledger/checkpoints/note-signature.js';
import { checkText } from '#ledger/checkpoints/signed-note.js';
import { decode as decodeBase64, encode as encodeBase64 } from '#ledger/checkpoints/strict-base64.js';

const Uint64Max = (1n << 64n) - 1n;

export function checkOrigin(origin) {
  // C2SP: non-empty; SHOULD be a schema-less URL without spaces or '+'. We require what we write.
  if (!isValidKeyName(origin) || utf8Encode(origin).length > OriginBytesMax) {
    throw new NoteFormatException(`checkpoint origin is not 1-${OriginBytesMax} bytes without spaces, '+' or control characters`);
  }
}

function checkExtension(line) {
  if (line.length === 0 || line.includes('\n') || utf8Encode(line).length > ExtensionLineBytesMax) {
    throw new NoteFormatException(`a checkpoint extension line is 1-${ExtensionLineBytesMax} bytes without a newline`);
  }
}

function parseTreeSize(line) {
  // ASCII decimal, no sign, no leading zeroes (except "0" itself), fits in 64 bits.
  const digitsOnly = line.length > 0 && line.length <= 20 && /^[0-9]+$/.test(line);
  if (!digitsOnly || (line.length > 1 && line[0] === '0') || BigInt(line) > Uint64Max) {
    throw new NoteFormatException('checkpoint tree size is not a decimal number without leading zeroes that fits in 64 bits');
  }
  return BigInt(line);
}

export class Checkpoint {
  constructor(origin, treeSize, rootHash, extensions = []) {
    checkOrigin(origin);
    if (rootHash.length !== RootHashBytes) {
      throw new NoteFormatException(`a checkpoint root hash is ${RootHashBytes} bytes, was ${rootHash.length}`);
    }
    const lines = [...extensions];
    if (lines.length > ExtensionLinesMax) {
      throw new NoteFormatException(`a checkpoint has at most ${ExtensionLinesMax} extension lines, this one ${lines.length}`);
    }
    lines.forEach(checkExtension);
    this.origin = origin;
    this.treeSize = BigInt(treeSize);
    this.rootHash = Uint8Array.from(rootHash);
    this.extensions = Object.freeze(lines);
    Object.freeze(this);
  }

  /** The exact note text, every line ending in "\n". */
  format() {
    return `${this.origin}\n${this.treeSize}\n${encodeBase64(this.rootHash)}\n` + this.extensions.map((line) => line + '\n').join('');
  }

  /** UTF-8 of format(): the bytes node signatures and cosignatures cover. */
  formatUtf8() {
    return utf8Encode(this.format());
  }

  /** Parses a note text; throws only NoteFormatException. */
  static parse(text) {
    checkText(text);
    const lines = text.substring(0, text.length - 1).split('\n');
    if (lines.length < 3) {
      throw new NoteFormatException(`a checkpoint has at least 3 lines (origin, size, root), this text ${lines.length}`);
    }
    if (lines.length - 3 > ExtensionLinesMax) {
      throw new NoteFormatException(`a checkpoint has at most ${ExtensionLinesMax} extension lines`);
    }
    const size = parseTreeSize(lines[1]);
    const root = decodeBase64(lines[2], RootHashBytes, 'checkpoint root hash');
    return new Checkpoint(lines[0], size, root, lines.slice(3));
  }

  sameAs(other) {
    return this.origin === other.origin && this.treeSize === other.treeSize && equalBytes(this.rootHash, other.rootHash)
      && this.extensions.length === other.extensions.length && this.extensions.every((line, i) => line === other.extensions[i]);
  }

  toString() {
    return `${this.origin} size ${this.treeSize} root ${encodeBase64(this.rootHash)}`;
  }
}
