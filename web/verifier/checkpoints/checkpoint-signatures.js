// Port of Ledger.Core/Checkpoints/CheckpointSignatures.cs (verification): how a consortium node signs a
// checkpoint per its key's suite; the key name is always the origin.
// p256-sha256: type 0x05 RFC 6962 tree head; ed25519: type 0x01 over the note text; sm2-sm3: EXPERIMENTAL
// type 0xff + "ledger/sm2-sm3-note/v1", SM2 over the note text.
import { concatBytes } from '#ledger/bytes/bytes.js';
import { Ed25519Name, P256Sha256Name, Sm2Sm3Name } from '#ledger/crypto/crypto-suites.js';
import { compute, computeForType } from '#ledger/checkpoints/note-key-id.js';
import { Ed25519, Extension, Sm2Sm3Identifier } from '#ledger/checkpoints/note-signature-types.js';
import { keyId as rfc6962KeyId, p256SubjectPublicKeyInfo, verify as verifyRfc6962 } from '#ledger/checkpoints/rfc6962-tree-head-signature.js';

/** The key id a node's signature line carries under origin (a Number in [0, 2^32)). */
export function keyId(nodeKey, origin) {
  switch (nodeKey.suite.name) {
    case P256Sha256Name:
      return rfc6962KeyId(origin, p256SubjectPublicKeyInfo(nodeKey.encoded));
    case Ed25519Name:
      return computeForType(origin, Ed25519, nodeKey.encoded);
    case Sm2Sm3Name:
      return compute(origin, concatBytes(Uint8Array.of(Extension), Sm2Sm3Identifier, nodeKey.encoded));
    default:
      throw new RangeError(`no checkpoint signature type for suite ${nodeKey.suite.name}`);
  }
}

/** True only when signature is nodeKey's valid signature of checkpoint (key name = origin, key id, bytes). Never throws on the signature. */
export function verify(nodeKey, checkpoint, signature) {
  if (signature.keyName !== checkpoint.origin || signature.keyId !== keyId(nodeKey, checkpoint.origin)) {
    return false;
  }
  if (nodeKey.suite.name === P256Sha256Name) {
    return verifyRfc6962(nodeKey.encoded, signature.keyId, checkpoint, signature);
  }
  return nodeKey.verify(checkpoint.formatUtf8(), signature.signature);
}
