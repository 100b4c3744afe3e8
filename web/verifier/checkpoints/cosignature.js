// Port of Ledger.Core/Checkpoints/Cosignature.cs (verification): a witness cosignature, C2SP
// tlog-cosignature "cosignature/v1" (type 0x04): base64(key id || uint64 BE timestamp (s) || Ed25519
// signature) over "cosignature/v1\ntime <timestamp>\n" || the checkpoint note text.
import { concatBytes, utf8Encode } from '#ledger/bytes/bytes.js';
import { Ed25519Name } from '#ledger/crypto/crypto-suites.js';
import { Checkpoint } from '#ledger/checkpoints/checkpoint.js';
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';
import { computeForType } from '#ledger/checkpoints/note-key-id.js';
import { Ed25519Cosignature } from '#ledger/checkpoints/note-signature-types.js';

export const Header = 'cosignature/v1';

/** The spec's bound: a timestamp MUST NOT exceed 2^63 - 1. */
export const TimestampMax = (1n << 63n) - 1n;

const TimestampBytes = 8;
const Ed25519SignatureBytes = 64;

/** Port of CosignatureStatus (names are the C# member names). */
export const CosignatureStatus = Object.freeze({ Valid: 'Valid', Missing: 'Missing', Invalid: 'Invalid', NotACheckpoint: 'NotACheckpoint' });

export function requireEd25519(suite) {
  if (suite.name !== Ed25519Name) {
    throw new RangeError(`witness keys are ed25519 (cosignature/v1), this one is ${suite.name}`);
  }
}

/** Key id of a witness key under its name. */
export function keyId(witnessName, witnessKey) {
  requireEd25519(witnessKey.suite);
  return computeForType(witnessName, Ed25519Cosignature, witnessKey.encoded);
}

/** The exact bytes the Ed25519 signature covers. */
export function signedMessage(timestampUnixSeconds, checkpoint) {
  return concatBytes(utf8Encode(`${Header}\ntime ${BigInt(timestampUnixSeconds)}\n`), checkpoint.formatUtf8());
}

/** The timestamp (BigInt) of a valid cosignature line by this witness, or null. Never throws on the line. */
export function verifyLine(witnessKey, witnessName, checkpoint, signature) {
  if (witnessKey.suite.name !== Ed25519Name
    || signature.keyName !== witnessName
    || signature.keyId !== keyId(witnessName, witnessKey)
    || signature.signature.length !== TimestampBytes + Ed25519SignatureBytes) {
    return null;
  }
  const bytes = signature.signature;
  const timestamp = new DataView(bytes.buffer, bytes.byteOffset, TimestampBytes).getBigUint64(0);
  if (timestamp > TimestampMax) {
    return null;
  }
  return witnessKey.verify(signedMessage(timestamp, checkpoint), bytes.subarray(TimestampBytes)) ? timestamp : null;
}

/** Finds this witness's lines in a SignedNote and verifies them: { status, timestampUnixSeconds (BigInt|null), problem (string|null) }. */
export function verify(witnessKey, witnessName, note) {
  let checkpoint;
  try {
    checkpoint = Checkpoint.parse(note.text);
  } catch (error) {
    if (error instanceof NoteFormatException) {
      return { status: CosignatureStatus.NotACheckpoint, timestampUnixSeconds: null, problem: error.message };
    }
    throw error;
  }
  const lines = note.signaturesBy(witnessName, keyId(witnessName, witnessKey));
  if (lines.length === 0) {
    return { status: CosignatureStatus.Missing, timestampUnixSeconds: null, problem: `no cosignature line by ${witnessName}` };
  }
  let newest = null;
  for (const line of lines) {
    const timestamp = verifyLine(witnessKey, witnessName, checkpoint, line);
    if (timestamp === null) {
      return { status: CosignatureStatus.Invalid, timestampUnixSeconds: null, problem: `the cosignature line by ${witnessName} does not verify` };
    }
    newest = newest === null || timestamp > newest ? timestamp : newest;
  }
  return { status: CosignatureStatus.Valid, timestampUnixSeconds: newest, problem: null };
}
