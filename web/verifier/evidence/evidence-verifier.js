// Port of Ledger.Core/Evidence/EvidenceVerifier.cs (with .Anchors, .Checkpoint and .Prior in
// their own files): checks an evidence bundle offline, each check reported on its own, always the
// same checks in the same order; a check that cannot run because an earlier one failed is
// reported as failed with the reason. Hostile input never throws out of verify: an exception
// inside a check becomes that check's failure ("TypeName: message"), as in C#.
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import * as CryptoSuites from '#ledger/crypto/crypto-suites.js';
import { tryGetForHeader } from '#ledger/blocks/log-leaf-index.js';
import { merkleLeafHash } from '#ledger/blocks/log-leaf.js';
import { MerkleHasher } from '#ledger/merkle/merkle-hasher.js';
import { checkInclusion } from '#ledger/merkle/merkle-proof-verifier.js';
import { computeHash } from '#ledger/signing/transaction-hashing.js';
import { verify as verifyTransactionSignature } from '#ledger/signing/transaction-signing.js';
import { parseGenesis } from '#ledger/consortium/consortium-genesis.js';
import { check as checkCertified } from '#ledger/evidence/certified-header-verifier.js';
import { ConsortiumState } from '#ledger/evidence/consortium-state.js';
import * as RegistrationChecks from '#ledger/evidence/registration-checks.js';
import { EvidenceReport, CheckStatus } from '#ledger/evidence/evidence-report.js';
import { replayAnchored, anchoredDetail } from '#ledger/evidence/evidence-verifier-anchors.js';
import { verifyCheckpoint } from '#ledger/evidence/evidence-verifier-checkpoint.js';
import { verifyPrior } from '#ledger/evidence/evidence-verifier-prior.js';
import {
  BatchRegister, decode, mediaTypeName, RegisterWork, ResultCode, TransactionEnvelope, TransactionType,
} from '#ledger/evidence/protobuf-messages.js';
import { bytesEqual, ordinalCompare, toHex } from '#ledger/evidence/text-encoding.js';

export const CheckGenesis = 'genesis';
export const CheckGovernance = 'governance changes';
export const CheckHeaderShape = 'block header shape';
export const CheckCertification = 'block certification (node quorum)';
export const CheckTransactionHash = 'transaction hash';
export const CheckEnvelope = 'transaction envelope';
export const CheckSigner = 'signer is a consortium member';
export const CheckSignature = 'transaction signature';
export const CheckPosition = 'block height and position';
export const CheckInclusion = 'inclusion in the ledger log';
export const CheckResult = "ledger's decision on the transaction";
export const CheckBatchItem = 'batch item inclusion';
export const CheckItemOutcome = "ledger's decision on the batch item";
export const CheckPrior = 'earlier registration named by the rejection';
export const CheckCheckpoint = 'log checkpoint and witnesses';
export const CheckContent = 'content file matches registered hash';

/**
 * bundle: from EvidenceBundleJson.parse; options: {trustedGenesisSha256?: Uint8Array,
 * content?: {sha256: Uint8Array, sm3?: Uint8Array | null}}. Returns an EvidenceReport.
 */
export function verify(bundle, options = {}) {
  const run = new Run(bundle, options ?? {});
  run.execute();
  return run.toReport();
}

const pass = (detail) => [CheckStatus.Passed, detail];
const fail = (detail) => [CheckStatus.Failed, detail];
const skip = (detail) => [CheckStatus.Skipped, detail];
const fromFailure = (failure, passDetail) => (failure === null ? pass(passDetail) : fail(failure));

const EMPTY_HEADER = Object.freeze({
  chainId: '', height: 0n, prevBlockHash: new Uint8Array(0), txRoot: new Uint8Array(0), logSize: 0n, logRoot: new Uint8Array(0),
  stateRoot: new Uint8Array(0), timestampUnixMs: 0n, proposerNodeId: '', raftTerm: 0n, raftIndex: 0n, txCount: 0,
});

export class Run {
  constructor(bundle, options) {
    this.bundle = bundle;
    this.options = options;
    this.checks = [];
    this.subject = [];
    this.attestingNodes = [];
    /** [{change, txHash, leaf}] proven into the certified log, in chain order. */
    this.provenChanges = [];
    this.genesis = null;
    this.chainHash = null;
    this.envelope = null;
    this.signer = null;
    this.consortium = null;
    this.sameBlockChanges = [];
    this.genesisSha256 = null;
    this.transactionLeaf = null;
    this.transactionDecision = null;
    this.itemDecision = null;
    this.itemRejectionReason = null;
    this.prior = null;
    this.anchoredHeights = [];
    this.checkpointReport = null;
  }

  get header() {
    return this.bundle.certifiedHeader.header ?? EMPTY_HEADER;
  }

  /** The decision the verdict is about: the item's for an item bundle, else the transaction's. */
  get decision() {
    return this.bundle.batchItem === null ? this.transactionDecision : this.itemDecision;
  }

  execute() {
    this.check(CheckGenesis, () => this.verifyGenesis());
    this.check(CheckGovernance, () => this.verifyGovernance());
    this.check(CheckHeaderShape, () => this.verifyHeaderShape());
    this.check(CheckCertification, () => this.verifyCertification());
    this.check(CheckTransactionHash, () => this.verifyTransactionHash());
    this.check(CheckEnvelope, () => this.verifyEnvelope());
    this.check(CheckSigner, () => this.verifySigner());
    this.check(CheckSignature, () => this.verifySignature());
    this.check(CheckPosition, () => this.verifyPosition());
    this.check(CheckInclusion, () => this.verifyInclusion());
    this.check(CheckResult, () => this.verifyResult());
    this.check(CheckBatchItem, () => this.verifyBatchItem());
    this.check(CheckItemOutcome, () => this.verifyItemOutcome());
    this.check(CheckPrior, () => verifyPrior(this));
    this.check(CheckCheckpoint, () => verifyCheckpoint(this));
    this.check(CheckContent, () => this.verifyContent());
  }

  toReport() {
    const bundle = this.bundle;
    const decision = this.decision;
    return new EvidenceReport({
      checks: this.checks,
      decision,
      rejectionReason: decision === 'Rejected' ? (bundle.batchItem === null ? bundle.result.reason : this.itemRejectionReason) : null,
      batchItemIndex: bundle.batchItem === null ? null : Number(bundle.batchItem.itemProof.leafIndex < 0xffffffffn ? bundle.batchItem.itemProof.leafIndex : 0xffffffffn),
      prior: this.prior,
      checkpoint: this.checkpointReport,
      chainId: this.genesis?.chainId ?? null,
      suite: this.genesis?.suite ?? null,
      genesisSha256Hex: this.genesisSha256 === null ? null : toHex(this.genesisSha256),
      txHashHex: toHex(bundle.transactionHash),
      transactionType: this.envelope === null ? null : typeName(this.envelope.type),
      subject: this.subject,
      signerMemberId: this.signer?.memberId ?? null,
      signerRole: this.signer === null ? null : (this.consortium?.roleOf(this.signer.memberId) ?? null),
      signerKeyIdHex: this.envelope === null ? null : toHex(this.envelope.signerKeyId),
      blockHeight: bundle.blockHeight,
      position: bundle.position,
      blockTimestampUnixMs: bundle.certifiedHeader.header?.timestampUnixMs ?? null,
      attestingNodeIds: this.attestingNodes,
      blockTimeSkewMilliseconds: this.genesis?.effectiveBlockTimeSkewMilliseconds ?? null,
    });
  }

  check(name, body) {
    try {
      const [status, detail] = body();
      this.checks.push({ name, status, detail });
    } catch (exception) {
      // Hostile input must produce a failed check, never an escaping exception.
      const typeName = exception?.name === 'Error' || exception?.name === undefined ? 'Exception' : exception.name;
      this.checks.push({ name, status: CheckStatus.Failed, detail: `${typeName}: ${exception?.message ?? String(exception)}` });
    }
  }

  verifyGenesis() {
    this.genesisSha256 = sha256HashAlgorithm.hash(this.bundle.genesis);
    this.genesis = parseGenesis(this.bundle.genesis);
    this.chainHash = CryptoSuites.get(this.genesis.suite).hash;
    const genesis = this.genesis;
    const fingerprint = toHex(this.genesisSha256);
    const trusted = this.options.trustedGenesisSha256;
    if (trusted === null || trusted === undefined) {
      return [CheckStatus.NotAnchored,
        `chain '${genesis.chainId}', suite ${genesis.suite}, ${genesis.members.length} members, ${genesis.nodes.length} nodes; sha256 ${fingerprint} — NOT ANCHORED: `
        + 'no trusted genesis was given, so the checks below hold against the bundle\'s own genesis only; give the consortium\'s published genesis (--genesis FILE) or its fingerprint (--genesis-sha256 HEX)'];
    }
    return bytesEqual(this.genesisSha256, trusted)
      ? pass(`chain '${genesis.chainId}', suite ${genesis.suite}; sha256 ${fingerprint} matches the trusted genesis`)
      : fail(`sha256 ${fingerprint} differs from the trusted genesis ${toHex(trusted)}`);
  }

  /**
   * Replays the bundle's governance transactions (each proven into the same certified log) from
   * the genesis: those before the transaction's block give the node set that must certify the
   * header; those earlier in the same block only matter for the signer's key.
   */
  verifyGovernance() {
    const { genesis, chainHash, bundle } = this;
    if (genesis === null || chainHash === null) {
      return fail('no valid genesis');
    }
    this.consortium = new ConsortiumState(genesis);
    const header = this.header;
    if (bundle.governanceChanges.length === 0 && bundle.nodeSetAnchors.length === 0) {
      return pass('none included: node and member keys are the genesis ones');
    }
    const subjectLeaf = tryGetForHeader(header, bundle.position);
    const blockFirstLeaf = tryGetForHeader(header, 0);
    if (subjectLeaf === null || blockFirstLeaf === null) {
      return fail(`position ${bundle.position} is not a transaction of block ${header.height} (${header.txCount} transactions, log size ${header.logSize})`);
    }
    const merkle = new MerkleHasher(chainHash);
    let previousLeaf = null;
    for (let i = 0; i < bundle.governanceChanges.length; i++) {
      const change = bundle.governanceChanges[i];
      const proof = change.logInclusion;
      if (proof.treeSize !== header.logSize) {
        return fail(`change ${i}: proof is against log size ${proof.treeSize}, the header's is ${header.logSize}`);
      }
      if (previousLeaf !== null && proof.leafIndex <= previousLeaf) {
        return fail(`change ${i}: log leaf ${proof.leafIndex} is not after the previous change's leaf ${previousLeaf}`);
      }
      if (proof.leafIndex >= subjectLeaf) {
        return fail(`change ${i}: log leaf ${proof.leafIndex} is not before the transaction (leaf ${subjectLeaf})`);
      }
      const txHash = computeHash(chainHash, change.transaction);
      const leaf = merkleLeafHash(txHash, change.result, chainHash);
      const { result } = checkInclusion(merkle, proof.leafIndex, proof.treeSize, leaf, proof.path, header.logRoot);
      if (result !== 'Valid') {
        return fail(`change ${i} (block ${change.blockHeight}): inclusion proof: ${result}`);
      }
      previousLeaf = proof.leafIndex;
      this.provenChanges.push({ change, txHash, leaf: proof.leafIndex });
      if (proof.leafIndex >= blockFirstLeaf) {
        this.sameBlockChanges.push(change);
      }
    }
    const anchorFailure = replayAnchored(this, genesis, header);
    if (anchorFailure !== null) {
      return fail(anchorFailure);
    }
    const nodes = [...this.consortium.activeNodes.keys()].sort(ordinalCompare).join(', ');
    return pass(`${bundle.governanceChanges.length} governance transactions proven into the certified log and replayed (${this.consortium.changesExecuted} changes executed)${anchoredDetail(this)}; nodes at block ${header.height}: ${nodes}`);
  }

  verifyHeaderShape() {
    if (this.genesis === null || this.chainHash === null) {
      return fail('no valid genesis');
    }
    const header = this.header;
    return fromFailure(
      RegistrationChecks.header(this.bundle.certifiedHeader, this.genesis, this.chainHash),
      `height ${header.height}, ${header.txCount} transactions, log size ${header.logSize}`);
  }

  verifyCertification() {
    if (this.consortium === null || this.bundle.certifiedHeader.header === null) {
      return fail('no valid genesis, governance or header');
    }
    const failure = checkCertified(this.bundle.certifiedHeader, this.consortium, this.attestingNodes);
    return fromFailure(failure, `signed by ${this.attestingNodes.length} of ${this.consortium.activeNodes.size} nodes (${this.attestingNodes.join(', ')}); quorum is ${this.consortium.quorum}`);
  }

  verifyTransactionHash() {
    if (this.chainHash === null) {
      return fail('no valid genesis');
    }
    const computed = computeHash(this.chainHash, this.bundle.transaction);
    return bytesEqual(computed, this.bundle.transactionHash)
      ? pass(toHex(computed))
      : fail(`transaction hashes to ${toHex(computed)}, bundle says ${toHex(this.bundle.transactionHash)}`);
  }

  verifyEnvelope() {
    if (this.genesis === null) {
      return fail('no valid genesis');
    }
    const parsed = decode(this.bundle.transaction.envelope, TransactionEnvelope);
    const failure = envelopeFailure(parsed, this.genesis);
    if (failure !== null) {
      return fail(failure);
    }
    this.envelope = parsed;
    this.subject.push(...describe(parsed));
    return pass(`${typeName(parsed.type)}, nonce ${parsed.nonce}`);
  }

  verifySigner() {
    const { consortium, envelope, chainHash } = this;
    if (consortium === null || envelope === null || chainHash === null) {
      return fail('no valid genesis, governance or envelope');
    }
    for (const change of this.sameBlockChanges) {
      consortium.observe(change.blockHeight, change.position, change.transaction, computeHash(chainHash, change.transaction), change.result);
    }
    this.sameBlockChanges = [];
    const { failure, key } = signerFailure(consortium, envelope);
    this.signer = key;
    if (failure !== null) {
      return fail(failure);
    }
    const origin = key.validFromHeight === 0n ? 'genesis key' : `key added at block ${key.validFromHeight}`;
    return pass(`member '${key.memberId}' (${consortium.roleOf(key.memberId) ?? ''}), ${origin}, key id ${toHex(envelope.signerKeyId)}`);
  }

  verifySignature() {
    if (this.signer === null || this.genesis === null) {
      return fail('no signer key');
    }
    return verifyTransactionSignature(this.signer.publicKey, this.bundle.transaction, this.genesis.chainId)
      ? pass(`valid ${this.signer.publicKey.suite.name} signature by '${this.signer.memberId}'`)
      : fail(`the signature does not verify with member '${this.signer.memberId}''s key`);
  }

  verifyPosition() {
    const header = this.header;
    const { failure, leafIndex } = RegistrationChecks.position(this.bundle.blockHeight, this.bundle.position, this.bundle.logInclusion, header);
    if (failure === null) {
      this.transactionLeaf = leafIndex;
    }
    return fromFailure(failure, `block ${header.height}, position ${this.bundle.position} (log leaf ${leafIndex})`);
  }

  verifyInclusion() {
    if (this.chainHash === null) {
      return fail('no valid genesis');
    }
    const { bundle } = this;
    return fromFailure(
      RegistrationChecks.inclusion(bundle.transactionHash, bundle.result, bundle.logInclusion, this.header, this.chainHash),
      `leaf ${bundle.logInclusion.leafIndex} of ${bundle.logInclusion.treeSize} (the transaction and its recorded result) proves to the certified log root`);
  }

  /** The recorded result is covered by the log leaf (previous check): it is the ledger's decision, whichever it is. */
  verifyResult() {
    const result = this.bundle.result;
    switch (result.code) {
      case ResultCode.Ok:
        this.transactionDecision = 'Accepted';
        return pass(`ACCEPTED (recorded OK${result.reason.length === 0 ? '' : `: ${result.reason}`})`);
      case ResultCode.Rejected:
        this.transactionDecision = 'Rejected';
        return pass(`REJECTED: ${result.reason}`);
      default:
        return fail(`unknown result code ${result.code}`);
    }
  }

  verifyBatchItem() {
    const { bundle, envelope, chainHash } = this;
    if (bundle.batchItem === null) {
      return envelope?.type === TransactionType.BatchRegister
        ? fail('a BatchRegister bundle must name the item it is evidence for')
        : skip('not a batch item');
    }
    if (envelope === null || chainHash === null || envelope.type !== TransactionType.BatchRegister) {
      return fail('batch item given, but the transaction is not a BatchRegister');
    }
    const body = decode(envelope.body, BatchRegister);
    const failure = RegistrationChecks.batchItem(body, bundle.batchItem, chainHash);
    if (failure !== null) {
      return fail(failure);
    }
    const proof = bundle.batchItem.itemProof;
    const itemSm3 = bundle.batchItem.item.contentSm3 ?? new Uint8Array(0);
    this.subject.push(`batch item #${proof.leafIndex} '${bundle.batchItem.item.itemId}', content sha256 ${toHex(bundle.batchItem.item.contentSha256)}`
      + (itemSm3.length === 0 ? '' : `, sm3 ${toHex(itemSm3)}`));
    return pass(`item ${proof.leafIndex} of ${proof.treeSize} proves to the batch merkle_root the member signed`);
  }

  verifyItemOutcome() {
    const { bundle, envelope, chainHash } = this;
    if (bundle.batchItem === null) {
      return skip('not a batch item');
    }
    if (envelope === null || chainHash === null || envelope.type !== TransactionType.BatchRegister) {
      return fail('batch item given, but the transaction is not a BatchRegister');
    }
    const body = decode(envelope.body, BatchRegister);
    const { failure, decision, reason } = RegistrationChecks.itemOutcome(bundle.result, body, bundle.batchItem, chainHash);
    if (failure !== null) {
      return fail(failure);
    }
    this.itemDecision = decision;
    this.itemRejectionReason = reason;
    const index = bundle.batchItem.itemProof.leafIndex;
    if (bundle.result.code === ResultCode.Rejected) {
      return pass(`REJECTED with the whole batch (${reason}): no item of it was registered`);
    }
    return decision === 'Accepted'
      ? pass(`ACCEPTED: item ${index}'s outcome proves to the batch result's item_outcomes_root`)
      : pass(`REJECTED: ${reason} (item ${index}'s outcome proves to the batch result's item_outcomes_root)`);
  }

  verifyContent() {
    const content = this.options.content;
    if (content === null || content === undefined) {
      return skip('no content file given');
    }
    if (this.envelope === null) {
      return fail('no valid envelope');
    }
    const registered = tryRegisteredContent(this.envelope, this.bundle.batchItem);
    if (registered === null) {
      return fail(`a ${typeName(this.envelope.type)} transaction registers no content`);
    }
    // Every hash the registration names must match the file (a work or batch item may name SHA-256,
    // SM3 or both; ContentHashPolicy); at least one must be named. As EvidenceVerifier.cs words it.
    if (registered.sha256.length === 0 && registered.sm3 === null) {
      return fail('the registration names no content hash');
    }
    if (registered.sha256.length > 0 && !bytesEqual(content.sha256, registered.sha256)) {
      return fail(`file sha256 ${toHex(content.sha256)} differs from the registered ${toHex(registered.sha256)}`);
    }
    if (registered.sm3 !== null) {
      if (content.sm3 === null || content.sm3 === undefined) {
        return fail('the registration also names an SM3 hash, but no SM3 digest of the file was computed');
      }
      if (!bytesEqual(content.sm3, registered.sm3)) {
        return fail(`file sm3 ${toHex(content.sm3)} differs from the registered ${toHex(registered.sm3)}`);
      }
    }
    return registered.sha256.length > 0
      ? pass(`sha256 ${toHex(registered.sha256)}${registered.sm3 === null ? '' : ' and sm3'} match`)
      : pass(`sm3 ${toHex(registered.sm3)} match`);
  }
}

export function envelopeFailure(parsed, genesis) {
  if (parsed.chainId !== genesis.chainId) {
    return `signed for chain '${parsed.chainId}', not '${genesis.chainId}'`;
  }
  return parsed.suite !== genesis.suite ? `signed with suite '${parsed.suite}', the consortium uses '${genesis.suite}'` : null;
}

/** {failure, key}: the envelope's signer key, known and not retired. */
export function signerFailure(state, parsed) {
  const key = state.findKey(parsed.signerKeyId);
  if (key === null) {
    return { failure: `key id ${toHex(parsed.signerKeyId)} belongs to no member (genesis or added by the included governance changes)`, key: null };
  }
  return key.retiredAt !== null
    ? { failure: `member '${key.memberId}''s key ${toHex(parsed.signerKeyId)} was retired at block ${key.retiredAt}, before this transaction`, key }
    : { failure: null, key };
}

/** {sha256, sm3} a registration names (RegisterWork's, or the batch item's), or null; sm3 null when it names none. */
export function tryRegisteredContent(parsed, item) {
  if (item !== null && item !== undefined) {
    const sm3 = item.item.contentSm3 ?? new Uint8Array(0);
    return { sha256: item.item.contentSha256, sm3: sm3.length !== 0 ? sm3 : null };
  }
  if (parsed.type === TransactionType.RegisterWork) {
    const body = decode(parsed.body, RegisterWork);
    return {
      sha256: body.contentHash?.sha256 ?? new Uint8Array(0),
      sm3: body.contentHash !== null && body.contentHash.sm3.length !== 0 ? body.contentHash.sm3 : null,
    };
  }
  return null;
}

export function describe(transaction) {
  const lines = [];
  switch (transaction.type) {
    case TransactionType.RegisterWork: {
      const work = decode(transaction.body, RegisterWork);
      lines.push(`work "${work.title}" (${mediaTypeName(work.mediaType)})`);
      lines.push(`content sha256 ${toHex(work.contentHash === null ? new Uint8Array(0) : work.contentHash.sha256)}`);
      if (work.perceptualHash !== null) {
        lines.push(`perceptual hash ${work.perceptualHash.toString(16).padStart(16, '0')}`);
      }
      lines.push(`rights holder ${holderName(work.rightsHolder)}`);
      break;
    }
    case TransactionType.BatchRegister: {
      const batch = decode(transaction.body, BatchRegister);
      lines.push(`batch of ${RegistrationChecks.itemCount(batch)} items (${mediaTypeName(batch.mediaType)}), merkle root ${toHex(batch.merkleRoot)}, rights holder ${holderName(batch.rightsHolder)}`);
      break;
    }
    default:
      lines.push(`${typeName(transaction.type)} (${transaction.body.length} body bytes)`);
      break;
  }
  return lines;
}

function holderName(holder) {
  switch (holder?.holderCase) {
    case 'memberId': return `member '${holder.memberId}'`;
    case 'external': return `'${holder.external.name}' (${holder.external.identifier})`;
    default: return '(none)';
  }
}

const TYPE_NAMES = {
  1: 'RegisterWork', 2: 'BatchRegister', 3: 'TransferOwnership', 4: 'GrantLicense', 5: 'RevokeLicense', 6: 'FileClaim',
  7: 'RespondToClaim', 8: 'ResolveClaim', 9: 'PreserveEvidence', 10: 'RecordJudgment', 11: 'ProposeChange', 12: 'Vote', 13: 'Anchor',
};

export function typeName(type) {
  return TYPE_NAMES[type] ?? `type ${type}`;
}
