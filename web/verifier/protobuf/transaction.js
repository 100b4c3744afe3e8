// Schemas of Ledger.Core/Protos/ledger/v1/transaction.proto (decode with #ledger/protobuf/message-codec.js).
import { messageSchema } from '#ledger/protobuf/message-codec.js';

export const TransactionType = Object.freeze({
  Unspecified: 0, RegisterWork: 1, BatchRegister: 2, TransferOwnership: 3, GrantLicense: 4, RevokeLicense: 5,
  FileClaim: 6, RespondToClaim: 7, ResolveClaim: 8, PreserveEvidence: 9, RecordJudgment: 10, ProposeChange: 11,
  Vote: 12, Anchor: 13,
});

export const ResultCode = Object.freeze({ Unspecified: 0, Ok: 1, Rejected: 2 });

export const TransactionEnvelope = messageSchema('ledger.v1.TransactionEnvelope', [
  { number: 1, name: 'chainId', type: 'string' },
  { number: 2, name: 'nonce', type: 'uint64' },
  { number: 3, name: 'type', type: 'enum' },
  { number: 4, name: 'body', type: 'bytes' },
  { number: 5, name: 'signerKeyId', type: 'bytes' },
  { number: 6, name: 'suite', type: 'string' },
  { number: 7, name: 'createdUnixMs', type: 'int64' },
]);

export const SignedTransaction = messageSchema('ledger.v1.SignedTransaction', [
  { number: 1, name: 'envelope', type: 'bytes' },
  { number: 2, name: 'signature', type: 'bytes' },
  { number: 3, name: 'detachedItems', type: 'bytes' },
]);

export const TransactionResult = messageSchema('ledger.v1.TransactionResult', [
  { number: 1, name: 'code', type: 'enum' },
  { number: 2, name: 'reason', type: 'string' },
  { number: 3, name: 'referenceTxHash', type: 'bytes' },
  { number: 4, name: 'itemOutcomesRoot', type: 'bytes' },
]);
