// Port of Ledger.Core/Evidence/EvidenceVerifier.Checkpoint.cs: the bundle's checkpoint, a C2SP
// tlog-checkpoint signed by a quorum of the consortium's nodes and cosigned by the registered
// witnesses, whose log the certified header's log is a prefix of.
import { Checkpoint } from '#ledger/checkpoints/checkpoint.js';
import { check as checkConsistency, ConsistencyOutcome } from '#ledger/checkpoints/checkpoint-consistency.js';
import { CheckpointTrust } from '#ledger/checkpoints/checkpoint-trust.js';
import { verify as verifyCheckpointNote } from '#ledger/checkpoints/checkpoint-verifier.js';
import { SignedNote } from '#ledger/checkpoints/signed-note.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { CheckStatus, formatUtc, formatUtcSeconds } from '#ledger/evidence/evidence-report.js';

/** CheckpointTrust.FromConsortium: the state's origin, active nodes (in its order) and registered witnesses. */
export function trustFromConsortium(state) {
  const nodes = [...state.activeNodes.values()].map((n) => ({ nodeId: n.nodeId, publicKey: n.publicKey }));
  const witnesses = state.witnesses.map((w) => ({ name: w.memberId, publicKey: w.publicKey }));
  return CheckpointTrust.forChain(state.chainId, nodes, witnesses);
}

export function verifyCheckpoint(run) {
  const given = run.bundle.checkpoint;
  if (given === null) {
    return [CheckStatus.Skipped, "none in the bundle: no witness's cosignature vouches for this log here"];
  }
  if (run.consortium === null || run.chainHash === null || run.bundle.certifiedHeader.header === null) {
    return [CheckStatus.Failed, 'no valid genesis, governance or header'];
  }
  // The node set and witnesses as of the transaction: later governance changes are not in the bundle.
  const verification = verifyCheckpointNote(given.signedNote, trustFromConsortium(run.consortium));
  const checkpoint = verification.checkpoint;
  if (!verification.isValid || checkpoint === null) {
    return [CheckStatus.Failed, `the checkpoint does not verify: ${verification.problem}`];
  }
  // Every line must be one the check above verified, so no byte of the bundle goes unchecked.
  const lines = SignedNote.parse(given.signedNote).signatures.length;
  const verified = verification.signingNodes.length + verification.witnesses.length;
  if (lines !== verified) {
    return [CheckStatus.Failed, `the checkpoint carries ${lines} signature lines, only ${verified} by consortium nodes or registered witnesses`];
  }
  const header = run.header;
  if (checkpoint.treeSize < header.logSize) {
    return [CheckStatus.Failed, `the checkpoint's log size ${checkpoint.treeSize} is below the certified header's ${header.logSize}`];
  }
  const certified = new Checkpoint(checkpoint.origin, header.logSize, header.logRoot);
  const { outcome, proofResult } = checkConsistency(new MerkleHasher(run.chainHash), certified, checkpoint, given.consistencyPath);
  if (outcome !== ConsistencyOutcome.Consistent) {
    return [CheckStatus.Failed, `the certified log (size ${header.logSize}) is not a prefix of the checkpoint's (size ${checkpoint.treeSize}): ${outcome} (${proofResult})`];
  }
  run.checkpointReport = {
    treeSize: checkpoint.treeSize,
    signingNodeIds: [...verification.signingNodes],
    witnesses: verification.witnesses.map((w) => ({ name: w.name, timestampUnixSeconds: BigInt(w.timestampUnixSeconds) })),
  };
  const witnesses = verification.witnesses.length === 0
    ? 'no registered witness cosigned it'
    : 'cosigned by ' + verification.witnesses.map((w) => `witness '${w.name}' at ${formatUtcSeconds(w.timestampUnixSeconds)}`).join(', ');
  return [CheckStatus.Passed, `checkpoint of log size ${checkpoint.treeSize} signed by ${verification.signingNodes.join(', ')} (quorum ${verification.quorum}); ${witnesses}; the certified log (size ${header.logSize}) is a prefix of it`];
}
