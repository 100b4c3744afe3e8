// Port of Ledger.Core/Blocks/BlockHeaderEncoding.cs: the canonical byte layout of a BlockHeader that
// block hashes are computed over (version 1, magic "ledger/v1/block-header\0"; layout in the C# file).
// header: a decoded ledger.v1.BlockHeader (#ledger/protobuf/block.js), 64-bit fields as BigInt.
import { isWellFormedString, utf8EncodeStrict } from '#ledger/bytes/bytes.js';
import { BlockHeaderEncodingException } from '#ledger/blocks/block-header-encoding-exception.js';
import { CanonicalWriter } from '#ledger/blocks/canonical-writer.js';
import { Utf8BytesMax as ChainIdUtf8BytesMax } from '#ledger/signing/chain-id-rules.js';

export const HashBytesMax = 64;
export const NodeIdBytesMax = 128;
export const ChainIdBytesMax = ChainIdUtf8BytesMax;

export const Magic = Uint8Array.from('ledger/v1/block-header\0', (c) => c.charCodeAt(0));

function validatedHash(fieldName, value) {
  if (value.length > HashBytesMax) {
    throw new BlockHeaderEncodingException(fieldName, `${value.length} bytes exceeds the maximum of ${HashBytesMax}`);
  }
  return value;
}

function validatedUtf8(fieldName, value, minimumBytes, maximumBytes) {
  if (!isWellFormedString(value)) {
    throw new BlockHeaderEncodingException(fieldName, 'not well-formed Unicode');
  }
  const bytes = utf8EncodeStrict(value);
  if (bytes.length < minimumBytes || bytes.length > maximumBytes) {
    throw new BlockHeaderEncodingException(fieldName, `${bytes.length} UTF-8 bytes is outside ${minimumBytes}..${maximumBytes}`);
  }
  return bytes;
}

/** The canonical encoding; throws BlockHeaderEncodingException when a field is oversize or malformed. */
export function encode(header) {
  if (!header) {
    throw new TypeError('header is required');
  }
  const chainId = validatedUtf8('chain_id', header.chainId, 1, ChainIdBytesMax);
  const prevBlockHash = validatedHash('prev_block_hash', header.prevBlockHash);
  const txRoot = validatedHash('tx_root', header.txRoot);
  const logRoot = validatedHash('log_root', header.logRoot);
  const stateRoot = validatedHash('state_root', header.stateRoot);
  const nodeId = validatedUtf8('proposer_node_id', header.proposerNodeId, 0, NodeIdBytesMax);
  const writer = new CanonicalWriter();
  writer.writeBytes(Magic);
  writer.writeLengthPrefixed(chainId);
  writer.writeUInt64(header.height);
  writer.writeLengthPrefixed(prevBlockHash);
  writer.writeLengthPrefixed(txRoot);
  writer.writeUInt64(header.logSize);
  writer.writeLengthPrefixed(logRoot);
  writer.writeLengthPrefixed(stateRoot);
  writer.writeInt64(header.timestampUnixMs);
  writer.writeLengthPrefixed(nodeId);
  writer.writeUInt64(header.raftTerm);
  writer.writeUInt64(header.raftIndex);
  writer.writeUInt32(header.txCount);
  return writer.toBytes();
}
