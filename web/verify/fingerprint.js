// SHA-256 of a file, for the fingerprints the page shows and prints (bundle, genesis). WebCrypto
// exists only in secure contexts (https, localhost, file://); a node's page served over plain http
// on another host falls back to the verifier's own SHA-256, the one the CLI's --content agrees with.

import { digestContent } from "#ledger/index.js";

const ANY_SHA256_SUITE = "p256-sha256";

export async function sha256(bytes) {
  if (globalThis.crypto?.subtle !== undefined) {
    return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  }
  return (await digestContent(bytes, ANY_SHA256_SUITE)).sha256;
}
