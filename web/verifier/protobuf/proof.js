// Schemas of Ledger.Core/Protos/ledger/v1/proof.proto.
import { messageSchema } from '#ledger/protobuf/message-codec.js';
import { BlockHeader, CertifiedHeader } from '#ledger/protobuf/block.js';
import { SignedTransaction, TransactionResult } from '#ledger/protobuf/transaction.js';

export const InclusionProof = messageSchema('ledger.v1.InclusionProof', [
  { number: 1, name: 'leafIndex', type: 'uint64' },
  { number: 2, name: 'treeSize', type: 'uint64' },
  { number: 3, name: 'path', type: 'bytes', repeated: true },
]);

export const ConsistencyProof = messageSchema('ledger.v1.ConsistencyProof', [
  { number: 1, name: 'firstSize', type: 'uint64' },
  { number: 2, name: 'secondSize', type: 'uint64' },
  { number: 3, name: 'path', type: 'bytes', repeated: true },
]);

export const Receipt = messageSchema('ledger.v1.Receipt', [
  { number: 1, name: 'txHash', type: 'bytes' },
  { number: 2, name: 'blockHeight', type: 'uint64' },
  { number: 3, name: 'position', type: 'uint32' },
  { number: 4, name: 'result', type: 'message', message: () => TransactionResult },
  { number: 5, name: 'header', type: 'message', message: () => BlockHeader },
  { number: 6, name: 'logInclusion', type: 'message', message: () => InclusionProof },
]);

export const EvidenceBundle = messageSchema('ledger.v1.EvidenceBundle', [
  { number: 1, name: 'formatVersion', type: 'uint32' },
  { number: 2, name: 'transaction', type: 'message', message: () => SignedTransaction },
  { number: 3, name: 'receipt', type: 'message', message: () => Receipt },
  { number: 4, name: 'certifiedHeader', type: 'message', message: () => CertifiedHeader },
  { number: 5, name: 'genesis', type: 'bytes' },
]);
