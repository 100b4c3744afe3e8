// Port of Ledger.Core/Evidence/CertifiedHeaderVerifier.cs: is a header certified by the
// consortium's nodes? It must name the consortium's chain id, every attestation must be by a
// distinct node of the node set in force and verify over the header's hash with that node's key,
// and a strict majority of that node set must attest. Returns null when certified, else why not.
import { compute as blockHash } from '#ledger/blocks/block-hash.js';
import { verifySignature } from '#ledger/blocks/block-attestations.js';
import { checkShape } from '#ledger/evidence/block-header-shape.js';
import { bytesEqual, toHex } from '#ledger/evidence/text-encoding.js';

/** Characters of a foreign chain id quoted in a refusal (the id comes from outside). */
export const QuotedChainIdCharsMax = 64;

/** `nodeSet` is a ConsortiumState before the header's block; `attestingNodeIds` (array) receives the valid attesters. */
export function check(certified, nodeSet, attestingNodeIds = null) {
  const header = certified.header;
  if (header === null || header === undefined) {
    return 'certified header has no header';
  }
  if (header.chainId !== nodeSet.chainId) {
    return `header is of chain '${quote(header.chainId)}', the genesis chain is '${nodeSet.chainId}'`;
  }
  const chainHash = nodeSet.suite.hash;
  const shape = checkShape(header, chainHash);
  if (shape !== 'None') {
    return `header is malformed: ${shape}`;
  }
  const hash = blockHash(header, chainHash);
  const seen = new Set();
  for (const attestation of certified.attestations) {
    const failure = checkOne(attestation, header, hash, nodeSet);
    if (failure !== null) {
      return failure;
    }
    if (seen.has(attestation.nodeId)) {
      return `two attestations by node '${attestation.nodeId}'`;
    }
    seen.add(attestation.nodeId);
    attestingNodeIds?.push(attestation.nodeId);
  }
  return seen.size >= nodeSet.quorum
    ? null
    : `only ${seen.size} valid attestations, quorum is ${nodeSet.quorum} of ${nodeSet.activeNodes.size}`;
}

export function checkOne(attestation, header, hash, nodeSet) {
  const node = nodeSet.activeNodes.get(attestation.nodeId);
  if (node === undefined) {
    return `attestation by '${attestation.nodeId}', which is not a consortium node at height ${header.height}`;
  }
  if (attestation.height !== header.height || !bytesEqual(attestation.blockHash, hash)) {
    return `attestation by node '${node.nodeId}' is for another block (height ${attestation.height}, hash ${toHex(attestation.blockHash)})`;
  }
  return verifySignature(node.publicKey, attestation, header.chainId)
    ? null
    : `attestation by node '${node.nodeId}' does not verify with the node's key at height ${header.height}`;
}

/** C# string length counts UTF-16 code units, as JS does; the cut may split a surrogate pair, as in C#. */
function quote(chainId) {
  return chainId.length <= QuotedChainIdCharsMax ? chainId : chainId.slice(0, QuotedChainIdCharsMax) + '…';
}
