// Port of Ledger.Core/Evidence/NodeSetAnchors.cs: the node set that must certify a block, vouched
// for from the genesis. The genesis nodes, then the AddNode/RemoveNode changes executed in earlier
// blocks, replayed from governance transactions proven into that block's log; every earlier block
// that changed the node set needs an anchor: that block certified by the set before it, whose log
// is a prefix of the block's log. Throws NodeSetAnchorException when something is not proven.
import { tryGetForHeader } from '#ledger/blocks/log-leaf-index.js';
import { merkleLeafHash } from '#ledger/blocks/log-leaf.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { checkConsistency, checkInclusion } from '#ledger/merkle/merkle-proof-verifier.js';
import { computeHash } from '#ledger/signing/transaction-hashing.js';
import { check as checkCertified } from '#ledger/evidence/certified-header-verifier.js';
import { checkShape } from '#ledger/evidence/block-header-shape.js';
import { ConsortiumState, GovernanceReplayException } from '#ledger/evidence/consortium-state.js';
import { InvalidProtocolBufferException } from '#ledger/evidence/protobuf-messages.js';

/** Node-set changes one piece of evidence can vouch for. */
export const AnchorsMax = 32;

/** EvidenceBundleJson.GovernanceChangesMax (stated there; repeated here to avoid an import cycle). */
const GovernanceChangesMax = 4096;

export class NodeSetAnchorException extends Error {
  constructor(message) {
    super(message);
    this.name = 'NodeSetAnchorException';
  }
}

/** The state before `header`'s block; throws NodeSetAnchorException. */
export function before(genesis, changes, header, anchors) {
  return replay(genesis, changes, header, anchors, null);
}

/** The node set the changes claim (not vouched for) and the heights of earlier blocks that changed it. */
export function preview(genesis, changes, header) {
  const heights = [];
  const state = replay(genesis, changes, header, null, heights);
  return { unvouchedState: state, heightsNeedingAnchors: heights };
}

function replay(genesis, changes, header, anchors, changedHeights) {
  const state = new ConsortiumState(genesis);
  if (changes.length > GovernanceChangesMax) {
    throw new NodeSetAnchorException(`more than ${GovernanceChangesMax} governance changes`);
  }
  const anchorsByHeight = indexAnchors(anchors ?? [], header);
  if (changes.length === 0 && anchorsByHeight.size === 0) {
    return state;
  }
  const blockFirstLeaf = tryGetForHeader(header, 0);
  if (blockFirstLeaf === null) {
    throw new NodeSetAnchorException(`block ${header.height} has no transactions (tx_count ${header.txCount}, log size ${header.logSize})`);
  }
  const chainHash = state.suite.hash;
  const merkle = new MerkleHasher(chainHash);
  let previousLeaf = null;
  let currentHeight = null;
  let currentAnchor = null;
  let usedAnchors = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const proof = change.logInclusion;
    if (proof.treeSize !== header.logSize) {
      throw new NodeSetAnchorException(`governance change ${i}: proof is against log size ${proof.treeSize}, block ${header.height} has ${header.logSize}`);
    }
    if (previousLeaf !== null && proof.leafIndex <= previousLeaf) {
      throw new NodeSetAnchorException(`governance change ${i}: log leaf ${proof.leafIndex} is not after the previous change's leaf ${previousLeaf}`);
    }
    previousLeaf = proof.leafIndex;
    const txHash = computeHash(chainHash, change.transaction);
    const leaf = merkleLeafHash(txHash, change.result, chainHash);
    const { result } = checkInclusion(merkle, proof.leafIndex, proof.treeSize, leaf, proof.path, header.logRoot);
    if (result !== 'Valid') {
      throw new NodeSetAnchorException(`governance change ${i} (block ${change.blockHeight}): inclusion proof: ${result}`);
    }
    if (proof.leafIndex >= blockFirstLeaf) {
      // In the block itself: it did not decide who certifies that block.
      continue;
    }
    if (change.blockHeight >= header.height) {
      throw new NodeSetAnchorException(`governance change ${i} says block ${change.blockHeight}, but its log leaf ${proof.leafIndex} is before block ${header.height}`);
    }
    if (currentHeight !== change.blockHeight) {
      requireAnchorIfChanged(state, currentHeight, currentAnchor, anchors !== null, changedHeights);
      currentHeight = change.blockHeight;
      currentAnchor = anchorsByHeight.get(change.blockHeight) ?? null;
      if (currentAnchor !== null) {
        // Checked against the set before this block's changes: the set that certified it.
        checkAnchor(currentAnchor, state, header, merkle);
        usedAnchors++;
      }
    }
    if (currentAnchor !== null && !inBlock(proof.leafIndex, currentAnchor.certified.header)) {
      throw new NodeSetAnchorException(`governance change ${i}: log leaf ${proof.leafIndex} is not one of block ${change.blockHeight}'s leaves`);
    }
    try {
      state.observe(change.blockHeight, change.position, change.transaction, txHash, change.result);
    } catch (exception) {
      if (exception instanceof GovernanceReplayException || exception instanceof InvalidProtocolBufferException) {
        throw new NodeSetAnchorException(`governance change ${i}: ${exception.message}`);
      }
      throw exception;
    }
  }
  requireAnchorIfChanged(state, currentHeight, currentAnchor, anchors !== null, changedHeights);
  if (usedAnchors !== anchorsByHeight.size) {
    throw new NodeSetAnchorException(`${anchorsByHeight.size - usedAnchors} node-set anchors are for blocks with no governance change given`);
  }
  return state;
}

function indexAnchors(anchors, header) {
  if (anchors.length > AnchorsMax) {
    throw new NodeSetAnchorException(`more than ${AnchorsMax} node-set anchors`);
  }
  const byHeight = new Map();
  for (const anchor of anchors) {
    const height = anchor.certified.header?.height ?? 0n;
    if (height === 0n || height >= header.height) {
      throw new NodeSetAnchorException(`node-set anchor for height ${height} is not an earlier block than ${header.height}`);
    }
    if (byHeight.has(height)) {
      throw new NodeSetAnchorException(`two node-set anchors for height ${height}`);
    }
    byHeight.set(height, anchor);
  }
  return byHeight;
}

function requireAnchorIfChanged(state, height, anchor, required, changedHeights) {
  if (height === null || state.nodeSetChangedAtHeight !== height) {
    return;
  }
  changedHeights?.push(height);
  if (required && anchor === null) {
    throw new NodeSetAnchorException(`the node set changed in block ${height}, but no node-set anchor is given for it (that block certified by the nodes before it): the change is not vouched for`);
  }
}

function checkAnchor(anchor, nodeSetBefore, blockHeader, merkle) {
  const header = anchor.certified.header;
  if (header.chainId !== nodeSetBefore.chainId) {
    throw new NodeSetAnchorException(`node-set anchor ${header.height} is for chain '${header.chainId}', not '${nodeSetBefore.chainId}'`);
  }
  const shape = checkShape(header, nodeSetBefore.suite.hash);
  if (shape !== 'None') {
    throw new NodeSetAnchorException(`node-set anchor ${header.height}: header is malformed: ${shape}`);
  }
  const failure = checkCertified(anchor.certified, nodeSetBefore);
  if (failure !== null) {
    throw new NodeSetAnchorException(`node-set anchor ${header.height} is not certified by the nodes before it: ${failure}`);
  }
  const { result } = checkConsistency(merkle, header.logSize, blockHeader.logSize, anchor.consistencyPath, header.logRoot, blockHeader.logRoot);
  if (result !== 'Valid') {
    throw new NodeSetAnchorException(`node-set anchor ${header.height}: its log is not a prefix of block ${blockHeader.height}'s log: ${result}`);
  }
}

function inBlock(leafIndex, header) {
  const first = tryGetForHeader(header, 0);
  return first !== null && leafIndex >= first && leafIndex < header.logSize;
}
