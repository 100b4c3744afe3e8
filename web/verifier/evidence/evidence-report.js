// Port of Ledger.Core/Evidence/EvidenceReport.cs (with EvidenceCheck and EvidenceVerdict): the
// outcome of verifying one bundle, its verdict and the conclusion sentence a court clerk reads.
import { describeTimeBound } from '#ledger/evidence/block-header-shape.js';

/** EvidenceCheckStatus, named as C# prints them. */
export const CheckStatus = Object.freeze({ Passed: 'Passed', Failed: 'Failed', Skipped: 'Skipped', NotAnchored: 'NotAnchored' });

/** EvidenceVerdict. */
export const Verdict = Object.freeze({ Valid: 'Valid', Rejected: 'Rejected', Invalid: 'Invalid', NotAnchored: 'NotAnchored' });

const UnixMillisecondsMin = -62135596800000n;
const UnixMillisecondsMax = 253402300799999n;

/** "2026-01-05 09:00:00.000 UTC" from Unix milliseconds (BigInt or Number); outside years 0001-9999 said in words (EvidenceReport.FormatUtc). */
export function formatUtc(unixMs) {
  const ms = BigInt(unixMs);
  if (ms < UnixMillisecondsMin || ms > UnixMillisecondsMax) {
    return `(time ${ms} ms from 1970 is outside the years 0001-9999)`;
  }
  const date = new Date(Number(ms));
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} `
    + `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)} UTC`;
}

/** formatUtc of Unix seconds (a cosignature's timestamp, unsigned 64-bit), without overflow (EvidenceReport.FormatUtcSeconds). */
export function formatUtcSeconds(unixSeconds) {
  const seconds = BigInt(unixSeconds);
  if (seconds > UnixMillisecondsMax / 1000n) {
    return `(time ${seconds} s from 1970 is outside the years 0001-9999)`;
  }
  return formatUtc(seconds * 1000n);
}

export class EvidenceReport {
  constructor(fields) {
    Object.assign(this, {
      checks: [], decision: null, rejectionReason: null, batchItemIndex: null, prior: null, checkpoint: null, chainId: null, suite: null,
      genesisSha256Hex: null, txHashHex: null, transactionType: null, subject: [], signerMemberId: null, signerRole: null, signerKeyIdHex: null,
      blockHeight: null, position: null, blockTimestampUnixMs: null, attestingNodeIds: [], blockTimeSkewMilliseconds: null,
    }, fields);
  }

  get noCheckFailed() {
    return this.checks.every((c) => c.status !== CheckStatus.Failed);
  }

  get firstFailure() {
    return this.checks.find((c) => c.status === CheckStatus.Failed) ?? null;
  }

  get anchored() {
    return this.checks.length > 0 && this.checks.every((c) => c.status !== CheckStatus.NotAnchored);
  }

  get verdict() {
    if (!this.noCheckFailed) {
      return Verdict.Invalid;
    }
    if (!this.anchored) {
      return Verdict.NotAnchored;
    }
    return this.decision === 'Accepted' ? Verdict.Valid : this.decision === 'Rejected' ? Verdict.Rejected : Verdict.Invalid;
  }

  /** "time vouched for by node-1, node-3 within ±2 s"; null when no node validly attested or the bound is unknown. */
  get timeVouchedFor() {
    return this.attestingNodeIds.length === 0 || this.blockTimeSkewMilliseconds === null
      ? null
      : `time vouched for by ${this.attestingNodeIds.join(', ')} within ${describeTimeBound(this.blockTimeSkewMilliseconds)}`;
  }

  /** The report's last line: the verdict and why. */
  get conclusion() {
    switch (this.verdict) {
      case Verdict.Valid:
        return `VALID — every check passed: the ledger accepted this ${this.noun}.`;
      case Verdict.Rejected:
        return `REJECTED — ${this.refusalSentence()}`;
      case Verdict.NotAnchored:
        return 'NOT ANCHORED — no trusted genesis was given, so nothing ties this bundle to the real consortium: anyone can create a consortium of their own and sign a bundle like this one. '
          + `The checks above hold only against the bundle's own genesis (sha256 ${this.genesisSha256Hex ?? '?'}). `
          + 'To verify, run again with --genesis FILE or --genesis-sha256 HEX taken from the consortium\'s published genesis.';
      default: {
        const first = this.firstFailure;
        return `INVALID — ${first?.name ?? "the ledger's decision"} failed${first === null ? '' : `: ${first.detail}`}`;
      }
    }
  }

  get noun() {
    if (this.batchItemIndex !== null) {
      return `batch item (#${this.batchItemIndex})`;
    }
    return this.transactionType === 'RegisterWork' || this.transactionType === 'BatchRegister' ? 'registration' : 'transaction';
  }

  refusalSentence() {
    const prior = this.prior;
    if (prior !== null) {
      const when = prior.blockTimestampUnixMs !== null ? ` at ${formatUtc(prior.blockTimestampUnixMs)}` : '';
      const item = prior.batchItemIndex !== null ? `, batch item #${prior.batchItemIndex}` : '';
      return `the ledger refused this ${this.noun}: the same content was registered earlier by member '${prior.signerMemberId}' in block ${prior.blockHeight}${when} (tx ${prior.txHashHex}${item}); both are proven below.`;
    }
    return `the ledger refused this ${this.noun} (${this.rejectionReason ?? ''}); the refusal is proven below, and nothing was registered by it.`;
  }
}
