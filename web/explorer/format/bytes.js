// Byte strings as the proto3 JSON mapping gives them (base64) and as people read them (hex).
// Pure functions; no DOM.

const HexDigits = '0123456789abcdef';

/** Hex (lower case) of a Uint8Array. */
export function toHex(bytes) {
  let text = '';
  for (const byte of bytes) {
    text += HexDigits[byte >> 4] + HexDigits[byte & 15];
  }
  return text;
}

/** Bytes of an even-length hex string; null when it is not one. */
export function fromHex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    return null;
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(text.substr(i * 2, 2), 16);
  }
  return bytes;
}

/** Bytes of a base64 or base64url string (padding optional); null when it is neither. */
export function fromBase64(text) {
  if (typeof text !== 'string') {
    return null;
  }
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) {
    return null;
  }
  const padded = standard.padEnd(Math.ceil(standard.length / 4) * 4, '=');
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  } catch {
    return null;
  }
}

/** Standard base64 (with padding) of a Uint8Array: what the proto3 JSON mapping writes. */
export function toBase64(bytes) {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/** URL-safe base64 without padding (RFC 4648 §5): safe in a path segment or a query value. */
export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Hex of a base64 JSON field; '' for an absent or empty field. */
export function base64ToHex(text) {
  const bytes = fromBase64(text ?? '');
  return bytes ? toHex(bytes) : '';
}

/** Constant-shape comparison of two byte arrays (not secret data: plain equality is enough). */
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
