// Port of Ledger.Core/Consortium/RaftNodeIds.cs: Raft's non-zero 64-bit node number, derived from
// the node's string id: the first 8 bytes (big-endian) of SHA-256("ledger/v1/raft-node-id\0" || id).
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';

const Context = new TextEncoder().encode('ledger/v1/raft-node-id\0');

/** BigInt. */
export function raftNodeIdOf(nodeId) {
  if (typeof nodeId !== 'string' || nodeId.length === 0) {
    throw new Error('nodeId must be a non-empty string');
  }
  const id = new TextEncoder().encode(nodeId);
  const input = new Uint8Array(Context.length + id.length);
  input.set(Context);
  input.set(id, Context.length);
  const digest = sha256HashAlgorithm.hash(input);
  let value = 0n;
  for (let i = 0; i < 8; i++) {
    value = (value << 8n) | BigInt(digest[i]);
  }
  return value === 0n ? 1n : value;
}
