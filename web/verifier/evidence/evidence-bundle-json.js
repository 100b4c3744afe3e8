// Port of Ledger.Core/Evidence/EvidenceBundleJson.cs (reading only): the evidence bundle's JSON
// form (docs/evidence-bundle.md). The reader accepts exactly what the C# writer produces (modulo
// member order) and refuses, with EvidenceFormatException, what the C# reader refuses. It reads
// format 2 and format 1. The result mirrors EvidenceBundle with camelCase members; 64-bit integers
// are BigInt, 32-bit ones Number, binary values Uint8Array.
import { EvidenceFormatException } from '#ledger/evidence/evidence-format-exception.js';
import { JsonFields } from '#ledger/evidence/json-fields.js';
import { Kind, parseJson, utf8ByteCount } from '#ledger/evidence/strict-json.js';
import { decode, InvalidProtocolBufferException, SignedTransaction } from '#ledger/evidence/protobuf-messages.js';
import { isCanonical } from '#ledger/signing/transaction-hashing.js';
import { AnchorsMax } from '#ledger/evidence/node-set-anchors.js';

export const FormatName = 'ledger-evidence-bundle';
export const CurrentFormatVersion = 2;
export const FormatVersion1 = 1;

export const DocumentBytesMax = 16 * 1024 * 1024;
export const ProofHashesMax = 64;
export const AttestationsMax = 64;
export const GovernanceChangesMax = 4096;

/** LogLeaf.ReasonBytesMax, BatchItemOutcomeLeaf.ReferenceBytesMax, NoteLimits.NoteBytesMax. */
export const ReasonBytesMax = 4096;
export const ReferenceBytesMax = 64;
export const NoteBytesMax = 64 * 1024;

const BundleV1 = ['format', 'formatVersion', 'transaction', 'txHash', 'result', 'blockHeight', 'position', 'logInclusion', 'certifiedHeader', 'genesis', 'governanceChanges', 'batchItem'];

/** The members of each object, per format version (EvidenceBundleJson.Members). */
export const Members = Object.freeze({
  BundleV1,
  Bundle: [...BundleV1, 'priorRegistration', 'checkpoint', 'nodeSetAnchors'],
  NodeSetAnchor: ['certifiedHeader', 'consistencyPath'],
  Checkpoint: ['signedNote', 'consistencyPath'],
  ResultV1: ['code', 'reason', 'referenceTxHash'],
  Result: ['code', 'reason', 'referenceTxHash', 'itemOutcomesRoot'],
  GovernanceChange: ['transaction', 'result', 'blockHeight', 'position', 'logInclusion'],
  BatchItemV1: ['contentSha256', 'itemId', 'perceptualHash', 'itemProof'],
  BatchItem: ['contentSha256', 'itemId', 'perceptualHash', 'itemProof', 'outcome', 'outcomeProof'],
  ItemOutcome: ['itemIndex', 'code', 'reason', 'referenceWorkId', 'referenceTxHash'],
  PriorRegistration: ['transaction', 'txHash', 'result', 'blockHeight', 'position', 'logInclusion', 'certifiedHeader', 'batchItem'],
  Proof: ['leafIndex', 'treeSize', 'path'],
  CertifiedHeader: ['header', 'attestations'],
  Header: ['chainId', 'height', 'prevBlockHash', 'txRoot', 'logSize', 'logRoot', 'stateRoot', 'timestampUnixMs', 'proposerNodeId', 'raftTerm', 'raftIndex', 'txCount'],
  Attestation: ['nodeId', 'keyId', 'suite', 'blockHash', 'height', 'signature'],
});

/** Parses a bundle file's bytes; throws EvidenceFormatException. */
export function parse(utf8Json) {
  if (utf8Json.length > DocumentBytesMax) {
    throw new EvidenceFormatException(`bundle is ${utf8Json.length} bytes, more than ${DocumentBytesMax}`);
  }
  let document;
  try {
    document = parseJson(utf8Json, 8);
  } catch (exception) {
    throw new EvidenceFormatException(`not valid JSON (line ${(exception.lineNumber ?? 0) + 1}, byte ${(exception.bytePositionInLine ?? 0) + 1})`);
  }

  const version = readVersion(document);
  const v2 = version === CurrentFormatVersion;
  const root = JsonFields.of(document, 'bundle', v2 ? Members.Bundle : Members.BundleV1);
  const governanceArray = root.array('governanceChanges');
  if (governanceArray.items.length > GovernanceChangesMax) {
    throw new EvidenceFormatException(`more than ${GovernanceChangesMax} governance changes`);
  }
  const governance = governanceArray.items.map((element, index) => {
    const change = JsonFields.of(element, `bundle.governanceChanges[${index}]`, Members.GovernanceChange);
    return {
      transaction: parseTransaction(change.base64('transaction'), change.pathOf('transaction')),
      result: readResult(change.element('result'), change.pathOf('result'), v2),
      blockHeight: change.uint64('blockHeight'),
      position: change.uint32('position'),
      logInclusion: readProof(change.element('logInclusion'), change.pathOf('logInclusion')),
    };
  });

  // Same member order as the C# object initializer, so the first refusal is the same one.
  const transaction = parseTransaction(root.base64('transaction'), 'bundle.transaction');
  const transactionHash = root.hex('txHash');
  const result = readResult(root.element('result'), 'bundle.result', v2);
  const blockHeight = root.uint64('blockHeight');
  const position = root.uint32('position');
  const logInclusion = readProof(root.element('logInclusion'), 'bundle.logInclusion');
  const certifiedHeader = readCertifiedHeader(root.element('certifiedHeader'), 'bundle.certifiedHeader');
  const genesis = root.base64('genesis');
  const batchItem = readBatchItem(root.element('batchItem'), 'bundle.batchItem', v2);
  const priorRegistration = v2 ? readPrior(root.element('priorRegistration'), 'bundle.priorRegistration') : null;
  const checkpoint = v2 ? readCheckpoint(root.element('checkpoint'), 'bundle.checkpoint') : null;
  const nodeSetAnchors = v2 ? readNodeSetAnchors(root.array('nodeSetAnchors'), 'bundle.nodeSetAnchors') : [];
  return {
    formatVersion: version,
    transaction,
    transactionHash,
    result,
    blockHeight,
    position,
    logInclusion,
    certifiedHeader,
    genesis,
    governanceChanges: governance,
    nodeSetAnchors,
    batchItem,
    priorRegistration,
    checkpoint,
  };
}

function readVersion(root) {
  if (root.kind !== Kind.Object) {
    throw new EvidenceFormatException(`bundle must be a JSON object, was ${root.kind}`);
  }
  // JsonElement.TryGetProperty finds the last of duplicate members.
  const last = (name) => {
    for (let i = root.members.length - 1; i >= 0; i--) {
      if (root.members[i][0] === name) {
        return root.members[i][1];
      }
    }
    return undefined;
  };
  const format = last('format');
  if (format === undefined || format.kind !== Kind.String || format.value !== FormatName) {
    throw new EvidenceFormatException(`bundle.format is not '${FormatName}'`);
  }
  const version = last('formatVersion');
  const raw = version?.kind === Kind.Number ? version.raw : null;
  if (raw !== '1' && raw !== '2') {
    const shown = version === undefined ? '(missing)' : rawText(version);
    throw new EvidenceFormatException(`format version ${shown} is not supported (this verifier reads versions ${FormatVersion1} and ${CurrentFormatVersion})`);
  }
  return Number(raw);
}

function rawText(element) {
  switch (element.kind) {
    case Kind.Number: return element.raw;
    case Kind.String: return JSON.stringify(element.value);
    case Kind.True: return 'true';
    case Kind.False: return 'false';
    case Kind.Null: return 'null';
    default: return element.kind === Kind.Object ? '{...}' : '[...]';
  }
}

function parseTransaction(bytes, path) {
  let transaction;
  try {
    transaction = decode(bytes, SignedTransaction);
  } catch (exception) {
    if (exception instanceof InvalidProtocolBufferException) {
      throw new EvidenceFormatException(`${path} is not a SignedTransaction`);
    }
    throw exception;
  }
  // The bytes must be the canonical encoding (fields 1-3 only, TransactionHashing.IsCanonical): unknown
  // fields (which a re-encoding keeps) or non-canonical varints would let two byte strings stand for one
  // transaction, with bytes no hash covers.
  if (!isCanonical(bytes)) {
    throw new EvidenceFormatException(`${path} is not the canonical encoding of a SignedTransaction`);
  }
  if (transaction.detachedItems.length !== 0) {
    throw new EvidenceFormatException(`${path} carries detached batch items; a bundle carries the signed transaction without them`);
  }
  return transaction;
}

function readResult(element, path, v2) {
  const fields = JsonFields.of(element, path, v2 ? Members.Result : Members.ResultV1);
  const result = {
    code: readCode(fields, path),
    reason: fields.string('reason'),
    referenceTxHash: fields.hex('referenceTxHash'),
    itemOutcomesRoot: new Uint8Array(0),
  };
  if (v2) {
    result.itemOutcomesRoot = fields.hex('itemOutcomesRoot');
  }
  return result;
}

function readCode(fields, path) {
  const code = fields.uint32('code');
  if (code > 255) {
    throw new EvidenceFormatException(`${path}.code ${code} is out of range`);
  }
  return code;
}

function readProof(element, path) {
  const fields = JsonFields.of(element, path, Members.Proof);
  const proof = { leafIndex: fields.uint64('leafIndex'), treeSize: fields.uint64('treeSize'), path: [] };
  const hashes = fields.array('path');
  if (hashes.items.length > ProofHashesMax) {
    throw new EvidenceFormatException(`${path}.path has more than ${ProofHashesMax} hashes`);
  }
  hashes.items.forEach((hash, i) => {
    if (hash.kind !== Kind.String) {
      throw new EvidenceFormatException(`${path}.path[${i}] must be a string`);
    }
    proof.path.push(JsonFields.parseHex(hash.value, `${path}.path[${i}]`));
  });
  return proof;
}

function readCertifiedHeader(element, path) {
  const certified = JsonFields.of(element, path, Members.CertifiedHeader);
  const h = JsonFields.of(certified.element('header'), `${path}.header`, Members.Header);
  const header = {
    chainId: h.string('chainId'),
    height: h.uint64('height'),
    prevBlockHash: h.hex('prevBlockHash'),
    txRoot: h.hex('txRoot'),
    logSize: h.uint64('logSize'),
    logRoot: h.hex('logRoot'),
    stateRoot: h.hex('stateRoot'),
    timestampUnixMs: h.int64('timestampUnixMs'),
    proposerNodeId: h.string('proposerNodeId'),
    raftTerm: h.uint64('raftTerm'),
    raftIndex: h.uint64('raftIndex'),
    txCount: h.uint32('txCount'),
  };
  const attestations = certified.array('attestations');
  if (attestations.items.length > AttestationsMax) {
    throw new EvidenceFormatException(`${path}.attestations has more than ${AttestationsMax} entries`);
  }
  const result = { header, attestations: [] };
  attestations.items.forEach((item, i) => {
    const a = JsonFields.of(item, `${path}.attestations[${i}]`, Members.Attestation);
    result.attestations.push({
      nodeId: a.string('nodeId'),
      keyId: a.hex('keyId'),
      suite: a.string('suite'),
      blockHash: a.hex('blockHash'),
      height: a.uint64('height'),
      signature: a.base64('signature'),
      checkpointSignature: new Uint8Array(0),
    });
  });
  return result;
}

function readBatchItem(element, path, v2) {
  if (element.kind === Kind.Null) {
    return null;
  }
  // contentSm3 is optional: present exactly for an item that carries an SM3 hash (EvidenceBundleJson.cs).
  const members = v2 ? Members.BatchItem : Members.BatchItemV1;
  const hasSm3 = element.kind === Kind.Object && [...element.members].some(([name]) => name === 'contentSm3');
  const fields = JsonFields.of(element, path, hasSm3 ? [...members, 'contentSm3'] : members);
  const item = { contentSha256: fields.hex('contentSha256'), contentSm3: new Uint8Array(0), itemId: fields.string('itemId'), perceptualHash: null };
  if (hasSm3) {
    item.contentSm3 = fields.hex('contentSm3');
    if (item.contentSm3.length !== 32) {
      throw new EvidenceFormatException(`${path}.contentSm3 must be 64 hex digits`);
    }
  }
  const perceptual = fields.hex('perceptualHash');
  if (perceptual.length === 8) {
    item.perceptualHash = perceptual.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
  } else if (perceptual.length !== 0) {
    throw new EvidenceFormatException(`${path}.perceptualHash must be 16 hex digits or empty`);
  }
  const itemProof = readProof(fields.element('itemProof'), `${path}.itemProof`);
  if (!v2) {
    return { item, itemProof, outcome: null, outcomeProof: null };
  }
  const outcomeElement = fields.element('outcome');
  const proofElement = fields.element('outcomeProof');
  return {
    item,
    itemProof,
    outcome: outcomeElement.kind === Kind.Null ? null : readOutcome(outcomeElement, `${path}.outcome`),
    outcomeProof: proofElement.kind === Kind.Null ? null : readProof(proofElement, `${path}.outcomeProof`),
  };
}

function readOutcome(element, path) {
  const fields = JsonFields.of(element, path, Members.ItemOutcome);
  const reason = fields.string('reason');
  if (utf8ByteCount(reason) > ReasonBytesMax) {
    throw new EvidenceFormatException(`${path}.reason is longer than ${ReasonBytesMax} bytes`);
  }
  const workId = fields.hex('referenceWorkId');
  const txHash = fields.hex('referenceTxHash');
  if (workId.length > ReferenceBytesMax || txHash.length > ReferenceBytesMax) {
    throw new EvidenceFormatException(`${path} has a reference longer than ${ReferenceBytesMax} bytes`);
  }
  return { itemIndex: fields.uint32('itemIndex'), code: readCode(fields, path), reason, referenceWorkId: workId, referenceTxHash: txHash };
}

function readPrior(element, path) {
  if (element.kind === Kind.Null) {
    return null;
  }
  const fields = JsonFields.of(element, path, Members.PriorRegistration);
  return {
    transaction: parseTransaction(fields.base64('transaction'), fields.pathOf('transaction')),
    transactionHash: fields.hex('txHash'),
    result: readResult(fields.element('result'), fields.pathOf('result'), true),
    blockHeight: fields.uint64('blockHeight'),
    position: fields.uint32('position'),
    logInclusion: readProof(fields.element('logInclusion'), fields.pathOf('logInclusion')),
    certifiedHeader: readCertifiedHeader(fields.element('certifiedHeader'), fields.pathOf('certifiedHeader')),
    batchItem: readBatchItem(fields.element('batchItem'), fields.pathOf('batchItem'), true),
  };
}

function readCheckpoint(element, path) {
  if (element.kind === Kind.Null) {
    return null;
  }
  const fields = JsonFields.of(element, path, Members.Checkpoint);
  const note = fields.string('signedNote');
  if (utf8ByteCount(note) > NoteBytesMax) {
    throw new EvidenceFormatException(`${path}.signedNote is longer than ${NoteBytesMax} bytes`);
  }
  return { signedNote: note, consistencyPath: readHashes(fields.array('consistencyPath'), fields.pathOf('consistencyPath')) };
}

function readNodeSetAnchors(array, path) {
  if (array.items.length > AnchorsMax) {
    throw new EvidenceFormatException(`${path} has more than ${AnchorsMax} anchors`);
  }
  return array.items.map((element, i) => {
    const fields = JsonFields.of(element, `${path}[${i}]`, Members.NodeSetAnchor);
    return {
      certified: readCertifiedHeader(fields.element('certifiedHeader'), fields.pathOf('certifiedHeader')),
      consistencyPath: readHashes(fields.array('consistencyPath'), fields.pathOf('consistencyPath')),
    };
  });
}

function readHashes(hashes, path) {
  if (hashes.items.length > ProofHashesMax) {
    throw new EvidenceFormatException(`${path} has more than ${ProofHashesMax} hashes`);
  }
  return hashes.items.map((hash, i) => {
    if (hash.kind !== Kind.String) {
      throw new EvidenceFormatException(`${path}[${i}] must be a string`);
    }
    return JsonFields.parseHex(hash.value, `${path}[${i}]`);
  });
}
