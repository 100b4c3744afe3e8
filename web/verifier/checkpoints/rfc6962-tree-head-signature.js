// Port of Ledger.Core/Checkpoints/Rfc6962TreeHeadSignature.cs (verification): note signature type 0x05,
// an RFC 6962 signed tree head: uint64 timestamp (ms) || 0x04 (SHA-256) || 0x03 (ECDSA) || uint16 length
// || DER ECDSA-Sig-Value over version 0x00 || type 0x01 || uint64 timestamp || uint64 tree_size || root[32].
// Key id = SHA-256(name || 0x0A || 0x05 || LogID)[:4], LogID = SHA-256(DER SubjectPublicKeyInfo).
import { p256 } from '#vendor/noble-curves.js';
import { sha256 } from '#vendor/noble-hashes.js';
import { concatBytes, fromHex, uint64BigEndian } from '#ledger/bytes/bytes.js';
import { RootHashBytes } from '#ledger/checkpoints/note-limits.js';
import { computeForType } from '#ledger/checkpoints/note-key-id.js';
import { Rfc6962TreeHead } from '#ledger/checkpoints/note-signature-types.js';

export const HashAlgorithmSha256 = 0x04;
export const SignatureAlgorithmEcdsa = 0x03;

const HeaderBytes = 8 + 1 + 1 + 2;

/** DER SubjectPublicKeyInfo prefix of a named-curve P-256 key (id-ecPublicKey, prime256v1), then the 65-byte point. */
const P256SpkiPrefix = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');

/** What .NET's ExportSubjectPublicKeyInfo writes for a P-256 key given as its uncompressed point. */
export function p256SubjectPublicKeyInfo(encodedPoint) {
  return concatBytes(P256SpkiPrefix, encodedPoint);
}

/** The RFC 6962 §3.5 TreeHeadSignature input (50 bytes). */
export function signedInput(timestampUnixMs, treeSize, rootHash) {
  if (rootHash.length !== RootHashBytes) {
    throw new RangeError(`root hash must be ${RootHashBytes} bytes`);
  }
  return concatBytes(Uint8Array.of(0x00, 0x01), uint64BigEndian(BigInt(timestampUnixMs)), uint64BigEndian(BigInt(treeSize)), rootHash);
}

/** Key id of a P-256 key under keyName (the origin). */
export function keyId(keyName, subjectPublicKeyInfo) {
  return computeForType(keyName, Rfc6962TreeHead, sha256(subjectPublicKeyInfo));
}

/** { timestampUnixMs, derSignature } or null when the bytes are not exactly one SHA-256/ECDSA DigitallySigned. */
export function tryDecode(signature) {
  if (signature.length <= HeaderBytes
    || signature[8] !== HashAlgorithmSha256
    || signature[9] !== SignatureAlgorithmEcdsa
    || ((signature[10] << 8) | signature[11]) !== signature.length - HeaderBytes) {
    return null;
  }
  const view = new DataView(signature.buffer, signature.byteOffset, 8);
  return { timestampUnixMs: view.getBigUint64(0), derSignature: signature.subarray(HeaderBytes) };
}

/**
 * Verifies a 0x05 line with a P-256 public key (65-byte uncompressed point). High-s signatures verify
 * (any RFC 6962 log's do); the DER must be strict. Never throws on the signature bytes.
 */
export function verify(encodedPoint, expectedKeyId, checkpoint, signature) {
  if (checkpoint.extensions.length !== 0 || signature.keyId !== expectedKeyId >>> 0 || signature.keyName !== checkpoint.origin) {
    return false;
  }
  const decoded = tryDecode(signature.signature);
  if (decoded === null) {
    return false;
  }
  try {
    const input = signedInput(decoded.timestampUnixMs, checkpoint.treeSize, checkpoint.rootHash);
    return p256.verify(decoded.derSignature, input, encodedPoint, { format: 'der', lowS: false, prehash: true });
  } catch {
    return false;
  }
}
