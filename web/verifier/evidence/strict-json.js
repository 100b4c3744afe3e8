// A JSON reader with System.Text.Json's (Utf8JsonReader's) acceptance rules, keeping what
// JSON.parse throws away: every member in document order (duplicates included) and each number's
// raw text. The evidence bundle and genesis readers need both to refuse exactly what the C#
// readers refuse (duplicate members, non-canonical numbers). Bytes must be UTF-8; no comments, no
// trailing commas, nesting at most `maxDepth` containers deep.

export class JsonSyntaxError extends Error {
  constructor(message, lineNumber, bytePositionInLine) {
    super(message);
    this.name = 'JsonException';
    this.lineNumber = lineNumber;
    this.bytePositionInLine = bytePositionInLine;
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
    throw new JsonSyntaxError('invalid UTF-8', 0, 0);
  }
  const reader = new Reader(text, maxDepth);
  reader.skipWhitespace();
  if (reader.pos >= text.length) {
    reader.fail('the input does not contain any JSON tokens');
  }
  const root = reader.value(0);
  reader.skipWhitespace();
  if (reader.pos < text.length) {
    reader.fail("'" + text[reader.pos] + "' is invalid after a single JSON value");
  }
  return root;
}

class Reader {
  constructor(text, maxDepth) {
    this.text = text;
    this.pos = 0;
    this.maxDepth = maxDepth;
  }

  fail(message) {
    const before = this.text.slice(0, this.pos);
    const line = (before.match(/\n/g) || []).length;
    const lineStart = before.lastIndexOf('\n') + 1;
    throw new JsonSyntaxError(message, line, this.pos - lineStart);
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
      this.fail('expected a value, reached the end');
    }
    const c = t[this.pos];
    if (c === '{') {
      return this.object(depth + 1);
    }
    if (c === '[') {
      return this.array(depth + 1);
    }
    if (c === '"') {
      return { kind: Kind.String, value: this.string() };
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      return this.number();
    }
    for (const [literal, kind] of [['true', Kind.True], ['false', Kind.False], ['null', Kind.Null]]) {
      if (t.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return { kind };
      }
    }
    return this.fail("'" + c + "' is an invalid start of a value");
  }

  object(depth) {
    if (depth > this.maxDepth) {
      this.fail(`the maximum configured depth of ${this.maxDepth} has been exceeded`);
    }
    this.pos++;
    const members = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: Kind.Object, members };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        this.fail('expected a property name');
      }
      const name = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') {
        this.fail("expected ':' after a property name");
      }
      this.pos++;
      members.push([name, this.value(depth)]);
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: Kind.Object, members };
      }
      this.fail("expected ',' or '}'");
    }
  }

  array(depth) {
    if (depth > this.maxDepth) {
      this.fail(`the maximum configured depth of ${this.maxDepth} has been exceeded`);
    }
    this.pos++;
    const items = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: Kind.Array, items };
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: Kind.Array, items };
      }
      this.fail("expected ',' or ']'");
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
