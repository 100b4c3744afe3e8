// Port of Ledger.Core/Signing/TransactionHashing.cs: the one definition of a transaction's identity.
// Hashed bytes: SignedTransaction field 1 (envelope) then field 2 (signature), each omitted when empty.
// Canonical bytes: the hashed bytes then field 3 (detached_items), omitted when empty, nothing else.
// Transaction hash = H(hashed bytes), H the chain's suite hash.
import { equalBytes } from '#ledger/bytes/bytes.js';
import { decodeMessage } from '#ledger/protobuf/message-codec.js';
import { InvalidProtocolBufferException } from '#ledger/protobuf/invalid-protocol-buffer-exception.js';
import { SignedTransaction } from '#ledger/protobuf/transaction.js';
import { WireWriter } from '#ledger/protobuf/wire-writer.js';

const EnvelopeField = 1;
const SignatureField = 2;
const DetachedItemsField = 3;
const LengthDelimited = 2;

function writeField(writer, fieldNumber, value) {
  if (value.length === 0) {
    return;
  }
  writer.writeTag(fieldNumber, LengthDelimited);
  writer.writeLengthDelimited(value);
}

/** The hashed bytes (fields 1 and 2; never the detached items). transaction: { envelope, signature }. */
export function encodeLeaf(transaction) {
  const writer = new WireWriter();
  writeField(writer, EnvelopeField, transaction.envelope);
  writeField(writer, SignatureField, transaction.signature);
  return writer.toBytes();
}

/** The canonical bytes: what a node accepts, stores and serves (fields 1, 2, 3). */
export function encodeCanonical(transaction) {
  const writer = new WireWriter();
  writeField(writer, EnvelopeField, transaction.envelope);
  writeField(writer, SignatureField, transaction.signature);
  writeField(writer, DetachedItemsField, transaction.detachedItems ?? new Uint8Array(0));
  return writer.toBytes();
}

/** Length of the hashed bytes for an envelope and signature. */
export function getLeafLength(envelope, signature) {
  return encodeLeaf({ envelope, signature }).length;
}

/** True when received parses as a SignedTransaction and is byte-identical to its canonical encoding. */
export function isCanonical(received) {
  let parsed;
  try {
    parsed = decodeMessage(SignedTransaction, received);
  } catch (error) {
    if (error instanceof InvalidProtocolBufferException) {
      return false;
    }
    throw error;
  }
  return equalBytes(received, encodeCanonical(parsed));
}

/** Transaction hash = H(hashed bytes): fields 1 and 2, whatever the detached items. */
export function computeHash(hashAlgorithm, transaction) {
  return hashAlgorithm.hash(encodeLeaf(transaction));
}
