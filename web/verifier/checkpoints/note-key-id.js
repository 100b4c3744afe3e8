// Port of Ledger.Core/Checkpoints/NoteKeyId.cs: the C2SP key id, the first four bytes (big-endian) of
// SHA-256(key name || 0x0A || signature type || public key material), as a Number in [0, 2^32).
import { sha256 } from '#vendor/noble-hashes.js';
import { concatBytes, utf8Encode } from '#ledger/bytes/bytes.js';

export function compute(keyName, typeAndKeyMaterial) {
  const hash = sha256(concatBytes(utf8Encode(keyName), Uint8Array.of(0x0a), typeAndKeyMaterial));
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0);
}

export function computeForType(keyName, signatureType, keyMaterial) {
  return compute(keyName, concatBytes(Uint8Array.of(signatureType), keyMaterial));
}
