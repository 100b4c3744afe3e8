// Text encodings the page reads: base64 (the embedded bundle), base64url (the URL fragment), hex
// (fingerprints). Each returns null on bad input instead of throwing: these are outside inputs.

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Standard or URL-safe base64, padded or not, to bytes; null when it is not base64. */
export function base64ToBytes(text) {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.length % 4 === 1) {
    return null;
  }
  const padded = standard.padEnd(Math.ceil(standard.length / 4) * 4, "=");
  let binary;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** A SHA-256 fingerprint typed or pasted by a person (spaces and colons allowed) to 32 bytes; null when it is not one. */
export function parseSha256Hex(text) {
  const hex = text.replace(/[\s:]/g, "");
  if (!HEX_SHA256.test(hex)) {
    return null;
  }
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
