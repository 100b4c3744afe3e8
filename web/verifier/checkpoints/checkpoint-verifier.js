// Port of Ledger.Core/Checkpoints/CheckpointVerifier.cs: checks a signed checkpoint against a
// CheckpointTrust — the origin, a quorum of distinct nodes, and which registered witnesses cosigned.
// Lines whose (key name, key id) match no known key are ignored; a known key's line that fails makes
// the note invalid. Never throws on the note's content.
import { Checkpoint } from '#ledger/checkpoints/checkpoint.js';
import { keyId as nodeKeyId, verify as verifyNodeSignature } from '#ledger/checkpoints/checkpoint-signatures.js';
import { CosignatureStatus, verify as verifyCosignature } from '#ledger/checkpoints/cosignature.js';
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';
import { SignedNote } from '#ledger/checkpoints/signed-note.js';

/** Port of CheckpointVerification: what the verifier found. */
export class CheckpointVerification {
  constructor(checkpoint, signingNodes, quorum, nodeCount, witnesses, failures, malformedReason) {
    /** The parsed checkpoint; null when the note was malformed or of another origin. */
    this.checkpoint = checkpoint;
    /** Ids of the distinct nodes whose signature verified. */
    this.signingNodes = Object.freeze(signingNodes);
    this.quorum = quorum;
    this.nodeCount = nodeCount;
    /** Registered witnesses whose cosignature verified: [{ name, timestampUnixSeconds (BigInt) }]. */
    this.witnesses = Object.freeze(witnesses);
    /** Known keys whose line failed to verify (any makes the note invalid). */
    this.failures = Object.freeze(failures);
    this.malformedReason = malformedReason;
    Object.freeze(this);
  }

  get quorumMet() {
    return this.signingNodes.length >= this.quorum;
  }

  /** Well formed, this consortium's, quorum-signed, and no known key's line failed. */
  get isValid() {
    return this.checkpoint !== null && this.quorumMet && this.failures.length === 0;
  }

  /** One line saying why the note is not valid; null when it is. */
  get problem() {
    if (this.malformedReason !== null) {
      return this.malformedReason;
    }
    if (this.failures.length > 0) {
      return this.failures.join('; ');
    }
    if (!this.quorumMet) {
      return `signed by ${this.signingNodes.length} of ${this.nodeCount} nodes, fewer than the quorum of ${this.quorum}`;
    }
    return null;
  }

  static malformed(trust, reason) {
    return new CheckpointVerification(null, [], trust.quorum, trust.nodes.length, [], [], reason);
  }
}

/** note: a string, UTF-8 bytes (Uint8Array) or a SignedNote. */
export function verify(note, trust) {
  if (typeof note === 'string' || note instanceof Uint8Array) {
    try {
      note = typeof note === 'string' ? SignedNote.parse(note) : SignedNote.parseUtf8(note);
    } catch (error) {
      if (error instanceof NoteFormatException) {
        return CheckpointVerification.malformed(trust, error.message);
      }
      throw error;
    }
  }
  let checkpoint;
  try {
    checkpoint = Checkpoint.parse(note.text);
  } catch (error) {
    if (error instanceof NoteFormatException) {
      return CheckpointVerification.malformed(trust, error.message);
    }
    throw error;
  }
  if (checkpoint.origin !== trust.origin) {
    return CheckpointVerification.malformed(trust, `origin '${checkpoint.origin}' is not this consortium's '${trust.origin}'`);
  }
  const failures = [];
  const signedBy = [];
  for (const node of trust.nodes) {
    const lines = note.signaturesBy(trust.origin, nodeKeyId(node.publicKey, trust.origin));
    if (lines.length === 0) {
      continue;
    }
    if (lines.every((line) => verifyNodeSignature(node.publicKey, checkpoint, line))) {
      signedBy.push(node.nodeId);
    } else {
      failures.push(`node ${node.nodeId}: signature does not verify`);
    }
  }
  const witnesses = [];
  for (const witness of trust.witnesses) {
    const check = verifyCosignature(witness.publicKey, witness.name, note);
    if (check.status === CosignatureStatus.Valid) {
      witnesses.push(Object.freeze({ name: witness.name, timestampUnixSeconds: check.timestampUnixSeconds }));
    } else if (check.status === CosignatureStatus.Invalid) {
      failures.push(`witness ${witness.name}: cosignature does not verify`);
    }
  }
  return new CheckpointVerification(checkpoint, signedBy, trust.quorum, trust.nodes.length, witnesses, failures, null);
}
