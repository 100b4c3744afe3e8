// Port of Ledger.Core/Evidence/RegistrationChecks.cs: the checks a transaction's evidence and a
// prior registration's evidence share. Each returns null when it holds, else why not.
import { tryGetForHeader } from '#ledger/blocks/log-leaf-index.js';
import { merkleLeafHash } from '#ledger/blocks/log-leaf.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { checkInclusion } from '#ledger/merkle/merkle-proof-verifier.js';
import { ArgumentException, encode as encodeBatchItem } from '#ledger/evidence/batch-item-leaf.js';
import { merkleLeafHash as outcomeLeafHash } from '#ledger/evidence/batch-item-outcome-leaf.js';
import { checkShape } from '#ledger/evidence/block-header-shape.js';
import { ResultCode } from '#ledger/evidence/protobuf-messages.js';

/** Header shape, the genesis chain id, height at least 1. */
export function header(certified, genesis, chainHash) {
  if (certified.header === null || certified.header === undefined) {
    return 'certified header has no header';
  }
  const error = checkShape(certified.header, chainHash);
  if (error !== 'None') {
    return `header is malformed: ${error}`;
  }
  if (certified.header.chainId !== genesis.chainId) {
    return `header chain id '${certified.header.chainId}' is not the genesis chain '${genesis.chainId}'`;
  }
  return certified.header.height === 0n ? 'height 0 is not a block (blocks start at 1)' : null;
}

/** {failure, leafIndex}: the bundle's height and position agree with the header and the proof. */
export function position(blockHeight, positionInBlock, proof, blockHeader) {
  if (blockHeight !== blockHeader.height) {
    return { failure: `bundle says block ${blockHeight}, the certified header is block ${blockHeader.height}`, leafIndex: 0n };
  }
  const leafIndex = tryGetForHeader(blockHeader, positionInBlock);
  if (leafIndex === null) {
    return { failure: `position ${positionInBlock} is not a transaction of block ${blockHeader.height} (${blockHeader.txCount} transactions, log size ${blockHeader.logSize})`, leafIndex: 0n };
  }
  if (proof.leafIndex !== leafIndex) {
    return { failure: `proof is for log leaf ${proof.leafIndex}; block ${blockHeader.height} position ${positionInBlock} is leaf ${leafIndex}`, leafIndex };
  }
  return proof.treeSize === blockHeader.logSize
    ? { failure: null, leafIndex }
    : { failure: `proof is against log size ${proof.treeSize}, the header's log size is ${blockHeader.logSize}`, leafIndex };
}

/** The log leaf (transaction hash and recorded result) proves to the header's log root. */
export function inclusion(txHash, result, proof, blockHeader, chainHash) {
  if (txHash.length !== chainHash.hashSizeBytes) {
    // LogLeaf.Encode's refusal, in C#'s words.
    throw new ArgumentException(`transaction hash is ${txHash.length} bytes, expected ${chainHash.hashSizeBytes}`, 'transactionHash');
  }
  const leafHash = merkleLeafHash(txHash, result, chainHash);
  const verdict = checkInclusion(new MerkleHasher(chainHash), proof.leafIndex, proof.treeSize, leafHash, proof.path, blockHeader.logRoot).result;
  return verdict === 'Valid' ? null : `inclusion proof: ${verdict}`;
}

/** The item's canonical bytes prove to the signed body's merkle_root over item_count leaves. */
export function batchItem(body, evidence, chainHash) {
  const count = itemCount(body);
  const proof = evidence.itemProof;
  if (proof.treeSize !== count) {
    return `item proof is for a batch of ${proof.treeSize}, the transaction signs ${count} items`;
  }
  const merkle = new MerkleHasher(chainHash);
  const verdict = checkInclusion(merkle, proof.leafIndex, proof.treeSize, merkle.hashLeaf(encodeBatchItem(evidence.item)), proof.path, body.merkleRoot).result;
  return verdict === 'Valid' ? null : `item proof to the batch's merkle_root: ${verdict}`;
}

/** {failure, decision ('Accepted'|'Rejected'), reason}: the item's committed outcome. */
export function itemOutcome(result, body, evidence, chainHash) {
  const rejected = (failure) => ({ failure, decision: 'Rejected', reason: null });
  if (result.code === ResultCode.Rejected) {
    if (evidence.outcome !== null || evidence.outcomeProof !== null) {
      return rejected('the batch was rejected as a whole, yet the bundle names an item outcome');
    }
    return { failure: null, decision: 'Rejected', reason: result.reason };
  }
  if (result.code !== ResultCode.Ok) {
    return rejected(`unknown result code ${result.code}`);
  }
  const outcome = evidence.outcome;
  const proof = evidence.outcomeProof;
  if (outcome === null || proof === null) {
    return rejected('the bundle does not prove the item\'s outcome (a format 1 bundle, or one without the outcome): it cannot show the ledger accepted the item');
  }
  if (result.itemOutcomesRoot.length === 0) {
    return rejected("the batch's recorded result commits to no item outcomes (a batch from before item outcomes were committed): whether the ledger accepted the item cannot be proven");
  }
  const index = evidence.itemProof.leafIndex;
  if (BigInt(outcome.itemIndex) !== index || proof.leafIndex !== index) {
    return rejected(`the outcome is for item ${outcome.itemIndex} (proof leaf ${proof.leafIndex}), the bundle's item is ${index}`);
  }
  if (proof.treeSize !== itemCount(body)) {
    return rejected(`outcome proof is for a batch of ${proof.treeSize}, the transaction signs ${itemCount(body)} items`);
  }
  const verdict = checkInclusion(new MerkleHasher(chainHash), proof.leafIndex, proof.treeSize, outcomeLeafHash(outcome, chainHash), proof.path, result.itemOutcomesRoot).result;
  if (verdict !== 'Valid') {
    return rejected(`outcome proof to the batch's item_outcomes_root: ${verdict}`);
  }
  switch (outcome.code) {
    case ResultCode.Ok:
      return { failure: null, decision: 'Accepted', reason: null };
    case ResultCode.Rejected:
      return { failure: null, decision: 'Rejected', reason: outcome.reason };
    default:
      return rejected(`unknown item outcome code ${outcome.code}`);
  }
}

/** The number of items the body signs (BigInt; format 1 chains carried the items inline instead). */
export function itemCount(body) {
  return body.itemCount !== 0 ? BigInt(body.itemCount) : BigInt(body.items.length);
}
