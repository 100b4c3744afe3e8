// Port of the report output of Ledger.Cli/Commands/EvidenceCommands.cs: ToJson (what
// `ledger evidence verify --output json` prints) and WriteText (what it prints otherwise), so a
// clerk reads the same words on screen as on the CLI's paper copy.
import { CheckStatus, formatUtc, formatUtcSeconds, Verdict } from '#ledger/evidence/evidence-report.js';

/** ExitCodes: VALID 0, REJECTED 7, INVALID 1, NOT ANCHORED 8 (malformed is 6). */
export const ExitCodes = Object.freeze({ Ok: 0, VerificationFailed: 1, Malformed: 6, Rejected: 7, NotAnchored: 8 });

export function exitCodeOf(verdict) {
  switch (verdict) {
    case Verdict.Valid: return ExitCodes.Ok;
    case Verdict.Rejected: return ExitCodes.Rejected;
    case Verdict.NotAnchored: return ExitCodes.NotAnchored;
    default: return ExitCodes.VerificationFailed;
  }
}

export function verdictName(verdict) {
  switch (verdict) {
    case Verdict.Valid: return 'valid';
    case Verdict.Rejected: return 'rejected';
    case Verdict.NotAnchored: return 'not-anchored';
    default: return 'invalid';
  }
}

/** A JSON number from a BigInt or Number (null stays null). */
const num = (value) => (value === null || value === undefined ? null : Number(value));

export function toJson(report) {
  const verdict = report.verdict;
  const checkpoint = report.checkpoint;
  const prior = report.prior;
  return {
    verdict: verdictName(verdict),
    exitCode: exitCodeOf(verdict),
    conclusion: report.conclusion,
    anchored: report.anchored,
    decision: report.decision === 'Accepted' ? 'accepted' : report.decision === 'Rejected' ? 'rejected' : null,
    rejectionReason: report.rejectionReason,
    batchItemIndex: num(report.batchItemIndex),
    prior: prior === null ? null : {
      txHash: prior.txHashHex,
      batchItemIndex: num(prior.batchItemIndex),
      signerMemberId: prior.signerMemberId,
      signerRole: prior.signerRole,
      blockHeight: num(prior.blockHeight),
      position: num(prior.position),
      blockTimestampUtc: prior.blockTimestampUnixMs === null ? null : formatUtc(prior.blockTimestampUnixMs),
      attestingNodes: [...prior.attestingNodeIds],
      subject: [...prior.subject],
    },
    checkpoint: checkpoint === null ? null : {
      treeSize: num(checkpoint.treeSize),
      signingNodes: [...checkpoint.signingNodeIds],
      witnesses: checkpoint.witnesses.map((w) => ({ name: w.name, cosignedUtc: formatUtcSeconds(w.timestampUnixSeconds) })),
    },
    chainId: report.chainId,
    suite: report.suite,
    genesisSha256: report.genesisSha256Hex,
    txHash: report.txHashHex,
    transactionType: report.transactionType,
    subject: [...report.subject],
    signerMemberId: report.signerMemberId,
    signerRole: report.signerRole,
    signerKeyId: report.signerKeyIdHex,
    blockHeight: num(report.blockHeight),
    position: num(report.position),
    blockTimestampUnixMs: num(report.blockTimestampUnixMs),
    blockTimestampUtc: report.blockTimestampUnixMs === null ? null : formatUtc(report.blockTimestampUnixMs),
    attestingNodes: [...report.attestingNodeIds],
    blockTimeSkewMilliseconds: num(report.blockTimeSkewMilliseconds),
    timeVouchedFor: report.timeVouchedFor,
    checks: report.checks.map((c) => ({ name: c.name, status: c.status.toLowerCase(), detail: c.detail })),
  };
}

const MARKS = { [CheckStatus.Passed]: '✓', [CheckStatus.Failed]: '✗', [CheckStatus.NotAnchored]: '?' };

/** The text report, every line ending in "\n" as Console.Out.WriteLine writes on Linux. */
export function writeText(report) {
  const s = (value) => (value === null || value === undefined ? '' : String(value));
  const lines = [];
  lines.push('EVIDENCE VERIFICATION REPORT');
  lines.push('============================');
  lines.push(`Consortium:   ${report.chainId ?? '(unreadable genesis)'} (suite ${report.suite ?? '?'})`);
  lines.push(`Genesis:      sha256 ${s(report.genesisSha256Hex)}`);
  lines.push(`Transaction:  ${report.transactionType ?? '?'} ${s(report.txHashHex)}`);
  for (const line of report.subject) {
    lines.push(`  what:       ${line}`);
  }
  lines.push(`Registered by: ${report.signerMemberId === null ? '(unknown key)' : `member '${report.signerMemberId}' (${s(report.signerRole)})`}, key id ${s(report.signerKeyIdHex)}`);
  lines.push(`When:         ${report.blockTimestampUnixMs !== null ? formatUtc(report.blockTimestampUnixMs) : '?'} (block timestamp), block ${s(report.blockHeight)}, position ${s(report.position)}`);
  lines.push(`Certified by: ${report.attestingNodeIds.length === 0 ? '(no valid attestation)' : report.attestingNodeIds.join(', ')}`);
  lines.push(`Time:         ${report.timeVouchedFor ?? '(not vouched for: no valid attestation)'} (each attesting node's own clock, when it applied the block)`);
  const decision = report.decision === 'Accepted' ? 'ACCEPTED by the ledger'
    : report.decision === 'Rejected' ? `REJECTED by the ledger: ${s(report.rejectionReason)}` : '(not proven)';
  lines.push(`Decision:     ${decision}`);
  const prior = report.prior;
  if (prior !== null) {
    lines.push(`Earlier registration: tx ${prior.txHashHex}${prior.batchItemIndex !== null ? `, batch item #${prior.batchItemIndex}` : ''}`);
    for (const line of prior.subject) {
      lines.push(`  what:       ${line}`);
    }
    lines.push(`  by:         member '${prior.signerMemberId}' (${s(prior.signerRole)})`);
    lines.push(`  when:       ${prior.blockTimestampUnixMs !== null ? formatUtc(prior.blockTimestampUnixMs) : '?'} (block timestamp), block ${prior.blockHeight}, position ${prior.position}`);
    lines.push(`  certified:  ${prior.attestingNodeIds.join(', ')}`);
  }
  const checkpoint = report.checkpoint;
  if (checkpoint !== null) {
    const witnesses = checkpoint.witnesses.length === 0
      ? '(no registered witness cosigned the checkpoint)'
      : checkpoint.witnesses.map((w) => `'${w.name}' (cosigned ${formatUtcSeconds(w.timestampUnixSeconds)})`).join(', ');
    lines.push(`Witnesses:    ${witnesses} vouched for the log up to size ${checkpoint.treeSize}, signed by ${checkpoint.signingNodeIds.join(', ')}`);
  }
  lines.push('');
  lines.push('Checks:');
  for (const check of report.checks) {
    lines.push(`  ${MARKS[check.status] ?? '-'} ${check.name}: ${check.detail}`);
  }
  lines.push('');
  lines.push(`RESULT: ${report.conclusion}`);
  return lines.join('\n') + '\n';
}
