// Where a bundle and a trusted genesis come from: a file the user chose or dropped, the URL fragment
// (#bundle=<base64url>&genesis-sha256=<hex>), or the bundle embedded in a self-verifying HTML file.
// Nothing here fetches: every byte is already on this device.

import { base64ToBytes, parseSha256Hex } from "#verify/encoding.js";

/** The id of the element SelfVerifyingHtml.Build writes (Ledger.Web/SelfVerifyingHtml.cs). */
export const EMBEDDED_BUNDLE_ID = "embedded-bundle";

/** Reads a chosen file, refusing one over `bytesMax` before reading it. Returns { bytes } or { error }. */
export async function readFile(file, bytesMax, what) {
  if (file.size > bytesMax) {
    return { error: `The ${what} "${file.name}" is ${file.size} bytes; the largest this page reads is ${bytesMax} bytes.` };
  }
  try {
    return { bytes: new Uint8Array(await file.arrayBuffer()) };
  } catch (e) {
    return { error: `The ${what} "${file.name}" could not be read: ${e?.message ?? e}` };
  }
}

/**
 * The bundle and fingerprint in the URL fragment. Returns null when the fragment names no bundle,
 * otherwise { bytes, genesisSha256, error } (error set when a part is not decodable).
 */
export function fromFragment(hash, bytesMax) {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const encoded = params.get("bundle");
  if (encoded === null) {
    return null;
  }
  const bytes = base64ToBytes(encoded);
  if (bytes === null) {
    return { error: "The link's bundle (#bundle=…) is not base64url." };
  }
  if (bytes.length > bytesMax) {
    return { error: `The link's bundle is ${bytes.length} bytes; the largest this page reads is ${bytesMax} bytes.` };
  }
  const hex = params.get("genesis-sha256");
  if (hex === null || hex === "") {
    return { bytes, genesisSha256: null };
  }
  const genesisSha256 = parseSha256Hex(hex);
  return genesisSha256 === null
    ? { error: "The link's genesis fingerprint (genesis-sha256=…) is not 64 hex digits." }
    : { bytes, genesisSha256 };
}

/**
 * The bundle a self-verifying HTML file carries: { bytes, genesisSha256 } (genesisSha256 null when
 * the file names none), { error } when the element is damaged, or null on the plain page.
 */
export function fromEmbedded(document) {
  const element = document.getElementById(EMBEDDED_BUNDLE_ID);
  if (element === null) {
    return null;
  }
  const bytes = base64ToBytes(element.textContent.trim());
  if (bytes === null) {
    return { error: "The bundle embedded in this file is damaged (not base64)." };
  }
  const hex = element.dataset.genesisSha256 ?? "";
  if (hex === "") {
    return { bytes, genesisSha256: null };
  }
  const genesisSha256 = parseSha256Hex(hex);
  return genesisSha256 === null
    ? { error: "The genesis fingerprint embedded in this file is damaged (not 64 hex digits)." }
    : { bytes, genesisSha256 };
}
