// Port of Ledger.Core/Checkpoints/SignedNote.cs: a C2SP signed note (text ending in a newline, a blank
// line, then signature lines). Parsing is strict and bounded and throws only NoteFormatException.
import { utf8DecodeStrict, utf8EncodeStrict } from '#ledger/bytes/bytes.js';
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';
import { NoteBytesMax, SignatureLinesMax } from '#ledger/checkpoints/note-limits.js';
import { LinePrefix, NoteSignature } from '#ledger/checkpoints/note-signature.js';

function checkCharacters(value, what) {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) {
      throw new NoteFormatException(`${what} contains control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at offset ${i}`);
    }
    const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      throw new NoteFormatException(`${what} is not valid UTF-8 (lone surrogate at offset ${i})`);
    }
  }
}

/** Non-empty, ends in a newline, no control characters but newline, no lone surrogates. */
export function checkText(text) {
  if (text.length === 0 || text[text.length - 1] !== '\n') {
    throw new NoteFormatException('note text must be non-empty and end in a newline');
  }
  checkCharacters(text, 'note text');
}

export class SignedNote {
  constructor(text, signatures) {
    checkText(text);
    const list = [...signatures];
    if (list.length < 1 || list.length > SignatureLinesMax) {
      throw new NoteFormatException(`a signed note has 1-${SignatureLinesMax} signature lines, this one ${list.length}`);
    }
    this.text = text;
    this.signatures = Object.freeze(list);
    const bytes = utf8EncodeStrict(this.format()).length;
    if (bytes > NoteBytesMax) {
      throw new NoteFormatException(`signed note is ${bytes} bytes, more than ${NoteBytesMax}`);
    }
    Object.freeze(this);
  }

  /** Parses UTF-8 bytes; throws only NoteFormatException. */
  static parseUtf8(utf8) {
    if (utf8.length > NoteBytesMax) {
      throw new NoteFormatException(`signed note is ${utf8.length} bytes, more than ${NoteBytesMax}`);
    }
    let text;
    try {
      text = utf8DecodeStrict(utf8);
    } catch (error) {
      throw new NoteFormatException('signed note is not valid UTF-8', { cause: error });
    }
    return SignedNote.parse(text);
  }

  /** Parses a note; throws only NoteFormatException. */
  static parse(note) {
    if (typeof note !== 'string') {
      throw new TypeError('note must be a string');
    }
    if (note.length > NoteBytesMax) {
      throw new NoteFormatException(`signed note is longer than ${NoteBytesMax} bytes`);
    }
    checkCharacters(note, 'signed note');
    const split = note.lastIndexOf('\n\n');
    if (split < 0) {
      throw new NoteFormatException('signed note has no blank line between text and signatures');
    }
    const text = note.substring(0, split + 1);
    const signatureBlock = note.substring(split + 2);
    if (signatureBlock.length === 0 || signatureBlock[signatureBlock.length - 1] !== '\n') {
      throw new NoteFormatException('signed note has no signature lines, or its last line does not end in a newline');
    }
    const lines = signatureBlock.substring(0, signatureBlock.length - 1).split('\n');
    if (lines.length > SignatureLinesMax) {
      throw new NoteFormatException(`signed note has more than ${SignatureLinesMax} signature lines`);
    }
    const parsed = lines.map((line, i) => {
      if (!line.startsWith(LinePrefix)) {
        throw new NoteFormatException(`signature line ${i + 1} does not start with an em dash and a space`);
      }
      return NoteSignature.parseLineBody(line.substring(LinePrefix.length), i + 1);
    });
    return new SignedNote(text, parsed);
  }

  /** The exact note: text, blank line, one line per signature. */
  format() {
    return this.text + '\n' + this.signatures.map((signature) => signature.formatLine()).join('');
  }

  toUtf8() {
    return utf8EncodeStrict(this.format());
  }

  /** The note text's UTF-8 bytes: what node signatures and cosignatures sign. */
  textUtf8() {
    return utf8EncodeStrict(this.text);
  }

  /** Signature lines with this key name and id (a note may repeat one; verifiers check each). */
  signaturesBy(keyName, keyId) {
    return this.signatures.filter((s) => s.keyId === keyId >>> 0 && s.keyName === keyName);
  }
}
