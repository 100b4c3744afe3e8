// How many attestations certify a block: a quorum of the nodes active at its height
// (Ledger.Core/Evidence/ConsortiumState.cs: Quorum = active nodes / 2 + 1). The node set at a height
// itself comes from the node (GET /v1/nodes?height=, RegistryQueries.GetNodesAt).

export function quorumOf(nodeCount) {
  return Math.floor(nodeCount / 2) + 1;
}
