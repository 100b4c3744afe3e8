// What a signed transaction says, decoded for display: the envelope (ledger.v1.TransactionEnvelope)
// and, for a registration, its body (ledger.v1.RegisterWork / BatchRegister).
import { readFields, text, bytes, integer, last } from '#explorer/chain/wire-reader.js';
import { fromBase64, toHex } from '#explorer/format/bytes.js';

/** ledger.v1.TransactionType by number (transaction.proto). */
export const TransactionTypes = [
  'unspecified', 'register work', 'batch register', 'transfer ownership', 'grant licence', 'revoke licence',
  'file claim', 'respond to claim', 'resolve claim', 'preserve evidence', 'record judgment', 'propose change',
  'vote', 'anchor',
];

const MediaTypes = ['unspecified', 'image', 'video', 'audio', 'text', 'product listing', 'other'];

/**
 * @param {{ envelope?: string, signature?: string, detachedItems?: string }} signed the JSON SignedTransaction
 * @returns {{ chainId, nonce, typeNumber, type, signerKeyIdHex, suite, createdUnixMs, body, registration } | null}
 */
export function describeTransaction(signed) {
  const envelope = fromBase64(signed?.envelope ?? '');
  const fields = envelope && envelope.length > 0 ? readFields(envelope) : null;
  if (!fields) {
    return null;
  }
  const typeNumber = Number(integer(fields, 3));
  const body = bytes(fields, 4);
  return {
    chainId: text(fields, 1),
    nonce: integer(fields, 2).toString(),
    typeNumber,
    type: TransactionTypes[typeNumber] ?? `type ${typeNumber}`,
    signerKeyIdHex: toHex(bytes(fields, 5)),
    suite: text(fields, 6),
    createdUnixMs: integer(fields, 7).toString(),
    registration: typeNumber === 1 ? describeRegisterWork(body) : typeNumber === 2 ? describeBatchRegister(body) : null,
  };
}

function describeRegisterWork(body) {
  const fields = readFields(body);
  if (!fields) {
    return null;
  }
  const content = readFields(bytes(fields, 1));
  const perceptual = last(fields, 4);
  return {
    title: text(fields, 3),
    mediaType: MediaTypes[Number(integer(fields, 2))] ?? 'other',
    contentSha256Hex: toHex(bytes(content, 1)),
    contentSm3Hex: toHex(bytes(content, 2)),
    perceptualHashHex: typeof perceptual === 'bigint' ? perceptual.toString(16).padStart(16, '0') : '',
  };
}

function describeBatchRegister(body) {
  const fields = readFields(body);
  if (!fields) {
    return null;
  }
  return {
    itemCount: Number(integer(fields, 5)),
    mediaType: MediaTypes[Number(integer(fields, 3))] ?? 'other',
    merkleRootHex: toHex(bytes(fields, 2)),
  };
}
