// Port of Ledger.Core/Evidence/EvidenceVerifier.Anchors.cs: the node set for the bundle's block,
// vouched for from the genesis (NodeSetAnchors): every earlier block that changed it is certified
// by the nodes before it and its log is a prefix of the certified log.
import { before, NodeSetAnchorException, preview } from '#ledger/evidence/node-set-anchors.js';

/** Sets run.consortium to the anchored node set before the block; returns why not, or null. */
export function replayAnchored(run, genesis, header) {
  try {
    run.anchoredHeights = preview(genesis, run.bundle.governanceChanges, header).heightsNeedingAnchors;
    run.consortium = before(genesis, run.bundle.governanceChanges, header, run.bundle.nodeSetAnchors);
    return null;
  } catch (exception) {
    if (exception instanceof NodeSetAnchorException) {
      run.consortium = null;
      return `node set not vouched for: ${exception.message}`;
    }
    throw exception;
  }
}

export function anchoredDetail(run) {
  const heights = run.anchoredHeights;
  return heights.length === 0
    ? ''
    : `; node-set changes in block${heights.length === 1 ? '' : 's'} ${heights.join(', ')}, each certified by the nodes before it (anchored)`;
}
