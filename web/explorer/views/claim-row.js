// A claim (ledger.v1.ClaimRecord JSON) as a table row, for the claims and work views.
import { h } from '#explorer/dom/element.js';
import { hashText, positionWords, enumWords } from '#explorer/format/display.js';
import { base64ToHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';

export function claimTableHead() {
  return h('thead', {}, h('tr', {}, ['Claim', 'Status', 'Work', 'Claimant', 'Accused', 'Filed', 'Outcome'].map((label) => h('th', { scope: 'col' }, label))));
}

export function claimRow(claim) {
  const claimHex = base64ToHex(claim.claimId);
  const workHex = base64ToHex(claim.workId);
  const outcome = claim.ruling && claim.ruling !== 'RULING_UNSPECIFIED'
    ? `judgment: ${enumWords(claim.ruling, 'RULING_')}${claim.caseNumber ? ` (${claim.caseNumber})` : ''}`
    : claim.resolution && claim.resolution !== 'CLAIM_RESOLUTION_UNSPECIFIED'
      ? `resolved: ${enumWords(claim.resolution, 'CLAIM_RESOLUTION_')}`
      : '';
  return h('tr', { 'data-testid': 'claim-row', 'data-claim-id': claimHex },
    h('th', { scope: 'row' }, h('a', { href: Links.transaction(claimHex) }, hashText(claimHex.slice(0, 16) + '…'))),
    h('td', {}, enumWords(claim.status, 'CLAIM_STATUS_')),
    h('td', {}, h('a', { href: Links.work(workHex) }, hashText(workHex.slice(0, 16) + '…'))),
    h('td', {}, claim.claimantMemberId ?? ''),
    h('td', {}, claim.accusedMemberId || claim.infringingItemId || ''),
    h('td', {}, positionWords(claim.filedAt)),
    h('td', {}, outcome));
}
