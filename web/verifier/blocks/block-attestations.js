// Port of Ledger.Core/Blocks/BlockAttestations.cs (verification): a node's signature over
// SigningInput("ledger/v1/block-attestation", chain id, uint64 BE height || block hash).
import { concatBytes, equalBytes, uint64BigEndian } from '#ledger/bytes/bytes.js';
import { compute as computeBlockHash } from '#ledger/blocks/block-hash.js';
import { BlockHeaderEncodingException } from '#ledger/blocks/block-header-encoding-exception.js';
import { HashBytesMax } from '#ledger/blocks/block-header-encoding.js';
import { InvalidChainIdException } from '#ledger/signing/chain-id-rules.js';
import { BlockAttestation } from '#ledger/signing/signing-contexts.js';
import { verify as verifySigningInput } from '#ledger/signing/signing-input.js';

/** The signed payload: uint64 BE height || block hash. */
export function payload(height, blockHash) {
  return concatBytes(uint64BigEndian(height), blockHash);
}

/**
 * True when attestation is nodeKey's valid signature over exactly header: block hash and height match
 * the header, key id and suite match the key. False (never throws) for malformed attestations or headers.
 */
export function verify(nodeKey, attestation, header, chainHash) {
  if (attestation.height !== header.height || attestation.blockHash.length !== chainHash.hashSizeBytes) {
    return false;
  }
  let blockHash;
  try {
    blockHash = computeBlockHash(header, chainHash);
  } catch (error) {
    if (error instanceof BlockHeaderEncodingException) {
      return false;
    }
    throw error;
  }
  return equalBytes(blockHash, attestation.blockHash) && verifySignature(nodeKey, attestation, header.chainId);
}

/** Checks the attestation's signature over its own height and block hash for chainId, and that its key id and suite name nodeKey. */
export function verifySignature(nodeKey, attestation, chainId) {
  if (!nodeKey.keyIdMatches(attestation.keyId) || attestation.suite !== nodeKey.suite.name || attestation.blockHash.length > HashBytesMax) {
    return false;
  }
  try {
    return verifySigningInput(nodeKey, BlockAttestation, chainId, payload(attestation.height, attestation.blockHash), attestation.signature);
  } catch (error) {
    if (error instanceof InvalidChainIdException) {
      return false;
    }
    throw error;
  }
}
