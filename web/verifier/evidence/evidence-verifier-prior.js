// Port of Ledger.Core/Evidence/EvidenceVerifier.Prior.cs: the prior registration a rejection names,
// proven with the same rigour as the transaction itself, on its own certified header, against the
// node set and member keys in force at its own position, and shown to register the same content earlier.
import { tryGetForHeader } from '#ledger/blocks/log-leaf-index.js';
import { computeHash } from '#ledger/signing/transaction-hashing.js';
import { verify as verifyTransactionSignature } from '#ledger/signing/transaction-signing.js';
import { check as checkCertified } from '#ledger/evidence/certified-header-verifier.js';
import { ConsortiumState } from '#ledger/evidence/consortium-state.js';
import { CheckStatus, formatUtc } from '#ledger/evidence/evidence-report.js';
import * as RegistrationChecks from '#ledger/evidence/registration-checks.js';
import { BatchRegister, decode, ResultCode, resultCodeName, TransactionEnvelope, TransactionType } from '#ledger/evidence/protobuf-messages.js';
import { bytesEqual, toHex } from '#ledger/evidence/text-encoding.js';
import { describe, envelopeFailure, signerFailure, tryRegisteredContent, typeName } from '#ledger/evidence/evidence-verifier.js';

const pass = (detail) => [CheckStatus.Passed, detail];
const fail = (detail) => [CheckStatus.Failed, detail];
const skip = (detail) => [CheckStatus.Skipped, detail];

export function verifyPrior(run) {
  const given = run.bundle.priorRegistration;
  const decision = run.decision;
  if (decision === null) {
    return given === null ? skip("the ledger's decision is not proven") : fail("the ledger's decision is not proven");
  }
  if (decision === 'Accepted') {
    return given === null ? skip('accepted: no earlier registration involved') : fail('the bundle carries an earlier registration, but the ledger accepted this one');
  }
  const [referenceTxHash, referenceWorkId] = reference(run);
  if (referenceTxHash.length === 0) {
    return given === null ? skip('the rejection names no earlier registration') : fail('the bundle carries an earlier registration the rejection does not name');
  }
  if (given === null) {
    return fail(`the rejection names transaction ${toHex(referenceTxHash)}, but the bundle does not carry it: the earlier registration is not proven`);
  }
  if (run.genesis === null || run.chainHash === null || run.envelope === null || run.transactionLeaf === null) {
    return fail('no valid genesis, envelope or position for the transaction itself');
  }
  const { failure, report } = priorFailure(run, given, referenceTxHash, referenceWorkId, run.transactionLeaf, run.genesis, run.chainHash);
  if (failure !== null) {
    return fail(failure);
  }
  run.prior = report;
  const when = report.blockTimestampUnixMs !== null ? formatUtc(report.blockTimestampUnixMs) : '?';
  const item = report.batchItemIndex !== null ? `, batch item #${report.batchItemIndex}` : '';
  return pass(`tx ${report.txHashHex}${item} by member '${report.signerMemberId}' in block ${report.blockHeight} (${when}), certified by ${report.attestingNodeIds.join(', ')}; accepted; same content, earlier in the log`);
}

/** What the rejection names: the transaction's reference, or the item outcome's (prior work id and its transaction). */
function reference(run) {
  const outcome = run.bundle.batchItem?.outcome;
  if (outcome !== null && outcome !== undefined) {
    return [outcome.referenceTxHash, outcome.referenceWorkId];
  }
  return [run.bundle.result.referenceTxHash, new Uint8Array(0)];
}

function priorFailure(run, given, referenceTxHash, referenceWorkId, subjectLeaf, genesis, hash) {
  const failed = (failure) => ({ failure, report: null });
  if (!bytesEqual(given.transactionHash, referenceTxHash)) {
    return failed(`the bundle's earlier registration is tx ${toHex(given.transactionHash)}, the rejection names ${toHex(referenceTxHash)}`);
  }
  const computed = computeHash(hash, given.transaction);
  if (!bytesEqual(computed, given.transactionHash)) {
    return failed(`its transaction hashes to ${toHex(computed)}, not ${toHex(given.transactionHash)}`);
  }
  let failure = RegistrationChecks.header(given.certifiedHeader, genesis, hash);
  if (failure !== null) {
    return failed(`its block header: ${failure}`);
  }
  const header = given.certifiedHeader.header;
  const position = RegistrationChecks.position(given.blockHeight, given.position, given.logInclusion, header);
  if (position.failure !== null) {
    return failed(`its position: ${position.failure}`);
  }
  const priorLeaf = position.leafIndex;
  if (priorLeaf >= subjectLeaf) {
    return failed(`it is log leaf ${priorLeaf}, not before the rejected transaction (leaf ${subjectLeaf})`);
  }

  // The node set in force for its block, and the member keys at its position.
  const blockFirstLeaf = tryGetForHeader(header, 0) ?? 0n;
  const state = stateBefore(run, blockFirstLeaf, genesis);
  const attesters = [];
  failure = checkCertified(given.certifiedHeader, state, attesters);
  if (failure !== null) {
    return failed(`its block certification: ${failure}`);
  }
  for (const { change, txHash, leaf } of run.provenChanges) {
    if (leaf >= blockFirstLeaf && leaf < priorLeaf) {
      state.observe(change.blockHeight, change.position, change.transaction, txHash, change.result);
    }
  }
  const parsed = decode(given.transaction.envelope, TransactionEnvelope);
  failure = envelopeFailure(parsed, genesis) ?? signerFailure(state, parsed).failure;
  if (failure !== null) {
    return failed(`its signer: ${failure}`);
  }
  const key = state.findKey(parsed.signerKeyId);
  if (!verifyTransactionSignature(key.publicKey, given.transaction, genesis.chainId)) {
    return failed(`its signature does not verify with member '${key.memberId}''s key`);
  }
  failure = RegistrationChecks.inclusion(given.transactionHash, given.result, given.logInclusion, header, hash);
  if (failure !== null) {
    return failed(`its ${failure}`);
  }
  if (given.result.code !== ResultCode.Ok) {
    return failed(`the earlier transaction was not accepted (${resultCodeName(given.result.code)}: ${given.result.reason})`);
  }
  const item = priorItem(given, parsed, referenceWorkId, hash);
  if (item.failure !== null) {
    return failed(item.failure);
  }
  const prior = tryRegisteredContent(parsed, given.batchItem);
  const subject = tryRegisteredContent(run.envelope, run.bundle.batchItem);
  if (prior === null || subject === null) {
    return failed('the earlier transaction registers no content');
  }
  const sameSha256 = prior.sha256.length > 0 && bytesEqual(prior.sha256, subject.sha256);
  const sameSm3 = prior.sm3 !== null && subject.sm3 !== null && bytesEqual(prior.sm3, subject.sm3);
  if (!sameSha256 && !sameSm3) {
    return failed(`it registered content sha256 ${toHex(prior.sha256)}, not this registration's ${toHex(subject.sha256)}`);
  }
  const lines = describe(parsed);
  if (given.batchItem !== null) {
    lines.push(`batch item #${item.itemIndex} '${given.batchItem.item.itemId}', content sha256 ${toHex(given.batchItem.item.contentSha256)}`);
  }
  return {
    failure: null,
    report: {
      txHashHex: toHex(given.transactionHash),
      batchItemIndex: item.itemIndex,
      signerMemberId: key.memberId,
      signerRole: state.roleOf(key.memberId),
      blockHeight: given.blockHeight,
      position: given.position,
      blockTimestampUnixMs: header.timestampUnixMs,
      attestingNodeIds: attesters,
      subject: lines,
    },
  };
}

/** A prior batch item must prove into its batch and have been accepted; the work id named must be that item's. */
function priorItem(given, parsed, referenceWorkId, hash) {
  if (parsed.type === TransactionType.RegisterWork) {
    return {
      failure: given.batchItem !== null ? 'the earlier RegisterWork carries a batch item' : workIdFailure(referenceWorkId, given.transactionHash, 0),
      itemIndex: null,
    };
  }
  if (parsed.type !== TransactionType.BatchRegister) {
    return { failure: `the earlier transaction is a ${typeName(parsed.type)}, not a registration`, itemIndex: null };
  }
  const item = given.batchItem;
  if (item === null) {
    return { failure: 'the earlier registration is a batch, but the bundle does not carry its item', itemIndex: null };
  }
  const body = decode(parsed.body, BatchRegister);
  let decision = 'Rejected';
  let failure = RegistrationChecks.batchItem(body, item, hash);
  if (failure === null) {
    const outcome = RegistrationChecks.itemOutcome(given.result, body, item, hash);
    failure = outcome.failure;
    decision = outcome.decision;
  }
  if (failure !== null) {
    return { failure: `its batch item: ${failure}`, itemIndex: null };
  }
  if (decision !== 'Accepted') {
    return { failure: 'the earlier batch item was itself rejected', itemIndex: null };
  }
  const itemIndex = Number(BigInt.asUintN(32, item.itemProof.leafIndex));
  return { failure: workIdFailure(referenceWorkId, given.transactionHash, itemIndex), itemIndex };
}

/** When the rejection names a work id (tx hash || u32 BE item index), it must be this registration's. */
function workIdFailure(referenceWorkId, txHash, itemIndex) {
  if (referenceWorkId.length === 0) {
    return null;
  }
  const expected = new Uint8Array(txHash.length + 4);
  expected.set(txHash);
  expected.set([itemIndex >>> 24, (itemIndex >>> 16) & 255, (itemIndex >>> 8) & 255, itemIndex & 255], txHash.length);
  return bytesEqual(referenceWorkId, expected)
    ? null
    : `the rejection names work ${toHex(referenceWorkId)}, the bundle's earlier registration is work ${toHex(expected)}`;
}

/** The consortium after the proven governance changes before log leaf `leafLimit`. */
function stateBefore(run, leafLimit, genesis) {
  const state = new ConsortiumState(genesis);
  for (const { change, txHash, leaf } of run.provenChanges) {
    if (leaf < leafLimit) {
      state.observe(change.blockHeight, change.position, change.transaction, txHash, change.result);
    }
  }
  return state;
}
