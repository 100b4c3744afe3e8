// A JSON reader with System.Text.Json's (Utf8JsonReader's) acceptance rules, keeping what
// JSON.parse throws away: every member in document order (duplicates included) and each number's
// raw text. The evidence bundle and genesis readers need both to refuse exactly what the C#
// readers refuse (duplicate members, non-canonical numbers). Bytes must be UTF-8; no comments, no
// trailing commas, nesting at most `maxDepth` containers deep.

export class JsonSyntaxError extends Error {
  constructor(message, lineNumber, bytePositionInLine, path = '$') {
    super(message);
    this.name = 'JsonException';
    this.lineNumber = lineNumber;
    this.bytePositionInLine = bytePositionInLine;
    /** The JSON path being read, as System.Text.Json names it ("$.members[3].id"). */
    this.path = path;
  }

  /** The message System.Text.Json gives a JsonException of the serializer: "... Path: $ | LineNumber: 0 | BytePositionInLine: 0." */
  get serializerMessage() {
    return `${this.message} Path: ${this.path} | LineNumber: ${this.lineNumber} | BytePositionInLine: ${this.bytePositionInLine}.`;
  }
}

/** Value kinds named as System.Text.Json's JsonValueKind prints them. */
export const Kind = Object.freeze({
  Object: 'Object', Array: 'Array', String: 'String', Number: 'Number', True: 'True', False: 'False', Null: 'Null',
});

// ignoreBOM: a byte order mark is kept (and refused as a value), as JsonDocument.Parse refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses UTF-8 JSON bytes into elements: {kind, members: [[name, element]...]} for objects,
 * {kind, items: [...]} for arrays, {kind, value} for strings, {kind, raw} for numbers.
 * Throws JsonSyntaxError.
 */
export function parseJson(bytes, maxDepth = 64) {
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonSyntaxError('Cannot transcode invalid UTF-8 JSON text to UTF-16 string.', 0, 0);
  }
  const reader = new Reader(text, maxDepth);
  reader.skipWhitespace();
  if (reader.pos >= text.length) {
    reader.fail('The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true.');
  }
  const root = reader.value(0);
  reader.skipWhitespace();
  if (reader.pos < text.length) {
    reader.fail(`${reader.shown()} is invalid after a single JSON value. Expected end of data.`);
  }
  return root;
}

class Reader {
  constructor(text, maxDepth) {
    this.text = text;
    this.pos = 0;
    this.maxDepth = maxDepth;
    this.parts = [];
    this.depth = 0;
  }

  /** Line (0-based) and byte position within it, as Utf8JsonReader counts them. */
  where(pos = this.pos) {
    const before = this.text.slice(0, pos);
    const line = (before.match(/\n/g) || []).length;
    const lineStart = before.lastIndexOf('\n') + 1;
    return { line, byte: new TextEncoder().encode(this.text.slice(lineStart, pos)).length };
  }

  fail(message) {
    if (this.pos >= this.text.length && this.depth > 0) {
      message = 'Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.';
    }
    const { line, byte } = this.where();
    throw new JsonSyntaxError(message, line, byte, '$' + this.parts.join(''));
  }

  /** The offending character as Utf8JsonReader quotes it: 'x', or '0x0B' for a control or non-ASCII byte. */
  shown() {
    const c = this.text.codePointAt(this.pos);
    if (c === undefined) {
      return "''";
    }
    if (c >= 0x20 && c < 0x7f) {
      return `'${String.fromCharCode(c)}'`;
    }
    const first = new TextEncoder().encode(String.fromCodePoint(c))[0];
    return `'0x${first.toString(16).toUpperCase().padStart(2, '0')}'`;
  }

  /** Where a value's first token ends: what the serializer reports for a value it cannot convert. */
  mark(element, tokenEnd) {
    const reader = this;
    Object.defineProperty(element, 'position', { enumerable: false, get: () => reader.where(tokenEnd) });
    return element;
  }

  skipWhitespace() {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
        this.pos++;
      } else {
        break;
      }
    }
  }

  value(depth) {
    this.skipWhitespace();
    const t = this.text;
    if (this.pos >= t.length) {
      this.fail('Expected a value, reached the end of the data.');
    }
    const c = t[this.pos];
    if (c === '{') {
      return this.object(depth + 1);
    }
    if (c === '[') {
      return this.array(depth + 1);
    }
    if (c === '"') {
      const value = this.string();
      return this.mark({ kind: Kind.String, value }, this.pos);
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const number = this.number();
      return this.mark(number, this.pos);
    }
    const literal = { t: ['true', Kind.True], f: ['false', Kind.False], n: ['null', Kind.Null] }[c];
    if (literal !== undefined) {
      // Like Utf8JsonReader, the error points at the first byte that breaks the literal.
      const [word, kind] = literal;
      for (let i = 0; i < word.length; i++, this.pos++) {
        if (t[this.pos] !== word[i]) {
          this.fail(`${this.shown()} is an invalid JSON literal. Expected the literal '${word}'.`);
        }
      }
      return this.mark({ kind }, this.pos);
    }
    return this.fail(`${this.shown()} is an invalid start of a value.`);
  }

  object(depth) {
    if (depth > this.maxDepth) {
      this.fail(`The maximum configured depth of ${this.maxDepth} has been exceeded. Cannot read next JSON object.`);
    }
    this.pos++;
    this.depth++;
    const element = this.mark({ kind: Kind.Object, members: [] }, this.pos);
    const members = element.members;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return element;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        const c = this.text[this.pos];
        this.fail(c === '}' && members.length > 0
          ? 'The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.'
          : c === '/'
            // A comment where comments are not allowed: Utf8JsonReader words it this way.
            ? "'/' is invalid after a value. Expected either ',', '}', or ']'."
            : `${this.shown()} is an invalid start of a property name. Expected a '"'.`);
      }
      const name = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') {
        this.fail(`${this.shown()} is invalid after a property name. Expected a ':'.`);
      }
      this.pos++;
      this.parts.push('.' + name);
      members.push([name, this.value(depth)]);
      this.parts.pop();
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        this.depth--;
        return element;
      }
      this.fail(`${this.shown()} is invalid after a value. Expected either ',', '}', or ']'.`);
    }
  }

  array(depth) {
    if (depth > this.maxDepth) {
      this.fail(`The maximum configured depth of ${this.maxDepth} has been exceeded. Cannot read next JSON array.`);
    }
    this.pos++;
    this.depth++;
    const element = this.mark({ kind: Kind.Array, items: [] }, this.pos);
    const items = element.items;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return element;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']' && items.length > 0) {
        this.fail('The JSON array contains a trailing comma at the end which is not supported in this mode. Change the reader options.');
      }
      this.parts.push(`[${items.length}]`);
      items.push(this.value(depth));
      this.parts.pop();
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.depth--;
        return element;
      }
      this.fail(`${this.shown()} is invalid after a value. Expected either ',', '}', or ']'.`);
    }
  }

  string() {
    const t = this.text;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= t.length) {
        this.fail('unterminated string');
      }
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(start, this.pos);
        this.pos++;
        break;
      }
      if (c < 0x20) {
        this.fail('control character in a string');
      }
      if (c === 0x5c) {
        out += t.slice(start, this.pos);
        const e = t[this.pos + 1];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
        if (simple !== undefined) {
          out += simple;
          this.pos += 2;
        } else if (e === 'u') {
          const hex = t.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
            this.fail('invalid \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          this.fail('invalid escape');
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    // .NET refuses to turn a lone surrogate (from a \u escape) into a string.
    if (!isWellFormedUtf16(out)) {
      this.fail('invalid UTF-16 in a string');
    }
    return out;
  }

  number() {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) {
      this.fail('invalid number');
    }
    this.pos += match[0].length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9A-Za-z.+-]/.test(next)) {
      this.fail('invalid number');
    }
    return { kind: Kind.Number, raw: match[0] };
  }
}

function isWellFormedUtf16(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) {
        return false;
      }
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** UTF-8 byte count of a (well-formed) string, as Encoding.UTF8.GetByteCount. */
export function utf8ByteCount(s) {
  return new TextEncoder().encode(s).length;
}
