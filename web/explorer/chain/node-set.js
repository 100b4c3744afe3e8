// The consortium's nodes as they stood at a height, and the quorum of that set: a block is
// certified when a quorum of the nodes active at its height attested it
// (Ledger.Core/Evidence/ConsortiumState.cs: Quorum = active nodes / 2 + 1).

/** Nodes (ledger.v1.NodeRecord JSON) active at the end of block `height`. */
export function nodesActiveAt(nodes, height) {
  const at = BigInt(height);
  return nodes.filter((node) => {
    const added = BigInt(node.addedAt?.height ?? '0');
    const removed = node.removedAt ? BigInt(node.removedAt.height ?? '0') : null;
    // An unset removed_at is absent from the JSON (proto3 mapping): the node was never removed.
    return added <= at && (removed === null || removed > at);
  });
}

export function quorumOf(nodeCount) {
  return Math.floor(nodeCount / 2) + 1;
}
