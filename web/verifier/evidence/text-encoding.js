// Hex and base64 in the one spelling .NET's Convert writes (lower-case hex; padded base64), and
// the small byte helpers the evidence modules share.

const HEX = '0123456789abcdef';

/** Convert.ToHexStringLower. */
export function toHex(bytes) {
  let out = '';
  for (const b of bytes) {
    out += HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Convert.FromHexString: even length, hex digits of either case; null when not hex. */
export function fromHex(text) {
  if (text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text)) {
    return null;
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(text.substr(i * 2, 2), 16);
  }
  return bytes;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/**
 * System.Text.Json's byte[] reading (Base64.DecodeFromUtf8): space, tab, CR and LF are skipped,
 * then the text must be padded base64 whose unused trailing bits are zero; null otherwise.
 */
export function fromBase64Json(text) {
  const compact = text.replace(/[ \t\r\n]/g, '');
  const bytes = fromBase64(compact);
  return bytes !== null && toBase64(bytes) === compact ? bytes : null;
}

/** Convert.ToBase64String. */
export function toBase64(bytes) {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

/**
 * Decodes base64 without whitespace, padded to a multiple of 4, unused bits ignored (the callers
 * that need canonical text compare the re-encoding); null when not base64.
 */
export function fromBase64(text) {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return null;
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (text[i + k] === '=' ? 0 : B64_INDEX.get(text[i + k])));
    const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    for (const byte of [n >> 16, (n >> 8) & 255, n & 255]) {
      if (o < out.length) {
        out[o++] = byte;
      }
    }
  }
  return out;
}

export function bytesEqual(a, b) {
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

export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export const utf8Encode = (s) => new TextEncoder().encode(s);

/** .NET's string ordinal comparison (UTF-16 code units), for sorting ids. */
export const ordinalCompare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
