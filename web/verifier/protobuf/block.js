// Schemas of Ledger.Core/Protos/ledger/v1/block.proto.
import { messageSchema } from '#ledger/protobuf/message-codec.js';
import { SignedTransaction, TransactionResult } from '#ledger/protobuf/transaction.js';

export const BlockHeader = messageSchema('ledger.v1.BlockHeader', [
  { number: 1, name: 'chainId', type: 'string' },
  { number: 2, name: 'height', type: 'uint64' },
  { number: 3, name: 'prevBlockHash', type: 'bytes' },
  { number: 4, name: 'txRoot', type: 'bytes' },
  { number: 5, name: 'logSize', type: 'uint64' },
  { number: 6, name: 'logRoot', type: 'bytes' },
  { number: 7, name: 'stateRoot', type: 'bytes' },
  { number: 8, name: 'timestampUnixMs', type: 'int64' },
  { number: 9, name: 'proposerNodeId', type: 'string' },
  { number: 10, name: 'raftTerm', type: 'uint64' },
  { number: 11, name: 'raftIndex', type: 'uint64' },
  { number: 12, name: 'txCount', type: 'uint32' },
]);

export const Block = messageSchema('ledger.v1.Block', [
  { number: 1, name: 'header', type: 'message', message: () => BlockHeader },
  { number: 2, name: 'transactions', type: 'message', repeated: true, message: () => SignedTransaction },
  { number: 3, name: 'results', type: 'message', repeated: true, message: () => TransactionResult },
]);

export const Attestation = messageSchema('ledger.v1.Attestation', [
  { number: 1, name: 'nodeId', type: 'string' },
  { number: 2, name: 'keyId', type: 'bytes' },
  { number: 3, name: 'suite', type: 'string' },
  { number: 4, name: 'blockHash', type: 'bytes' },
  { number: 5, name: 'height', type: 'uint64' },
  { number: 6, name: 'signature', type: 'bytes' },
  { number: 7, name: 'checkpointSignature', type: 'bytes' },
]);

export const CertifiedHeader = messageSchema('ledger.v1.CertifiedHeader', [
  { number: 1, name: 'header', type: 'message', message: () => BlockHeader },
  { number: 2, name: 'attestations', type: 'message', repeated: true, message: () => Attestation },
]);

export const EntryBatch = messageSchema('ledger.v1.EntryBatch', [
  { number: 1, name: 'timestampUnixMs', type: 'int64' },
  { number: 2, name: 'proposerNodeId', type: 'string' },
  { number: 3, name: 'transactions', type: 'bytes', repeated: true },
]);
