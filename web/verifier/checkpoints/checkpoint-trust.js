// Port of Ledger.Core/Checkpoints/CheckpointTrust.cs: what a checkpoint is checked against — the expected
// origin, the node set in force (a strict majority must sign) and the registered witnesses.
// nodes: [{ nodeId, publicKey }]; witnesses: [{ name, publicKey }] (PublicKey from #ledger/keys/public-key.js).
import { checkOrigin } from '#ledger/checkpoints/checkpoint.js';
import { requireEd25519 } from '#ledger/checkpoints/cosignature.js';
import { isValidKeyName } from '#ledger/checkpoints/note-signature.js';
import { originFor } from '#ledger/checkpoints/checkpoint-origin.js';

function validatedWitness(witness) {
  requireEd25519(witness.publicKey.suite);
  if (!isValidKeyName(witness.name)) {
    throw new RangeError(`witness name '${witness.name}' is not a valid note key name (no spaces or '+')`);
  }
  return Object.freeze({ name: witness.name, publicKey: witness.publicKey });
}

export class CheckpointTrust {
  constructor(origin, nodes, witnesses) {
    checkOrigin(origin);
    this.origin = origin;
    this.nodes = Object.freeze([...nodes].map((n) => Object.freeze({ nodeId: n.nodeId, publicKey: n.publicKey })));
    this.witnesses = Object.freeze([...witnesses].map(validatedWitness));
    if (this.nodes.length === 0) {
      throw new RangeError('a checkpoint trust needs at least one node');
    }
    if (new Set(this.nodes.map((n) => n.nodeId)).size !== this.nodes.length) {
      throw new RangeError('node ids repeat');
    }
    Object.freeze(this);
  }

  /** Distinct node signatures needed: floor(n/2) + 1, the same majority that certifies headers. */
  get quorum() {
    return Math.floor(this.nodes.length / 2) + 1;
  }

  /** The trust of a chain: origin "ledger/<chain id>", its active nodes and registered witnesses. */
  static forChain(chainId, nodes, witnesses) {
    return new CheckpointTrust(originFor(chainId), nodes, witnesses);
  }
}
