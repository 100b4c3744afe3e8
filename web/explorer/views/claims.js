// Claims by status (filed, responded, resolved, judged), a page at a time.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { labelCells } from '#explorer/dom/table.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { count } from '#explorer/format/display.js';
import { Links } from '#explorer/routing/links.js';
import { claimRow, claimTableHead } from '#explorer/views/claim-row.js';

export const ClaimsPerPage = 50;

/** ledger.v1.ClaimStatus values a reader can pick, with their words. */
export const ClaimStatuses = [
  ['CLAIM_STATUS_FILED', 'Filed'],
  ['CLAIM_STATUS_RESPONDED', 'Responded (counter-notice)'],
  ['CLAIM_STATUS_RESOLVED', 'Resolved by a platform'],
  ['CLAIM_STATUS_JUDGED', 'Judged by a court'],
];

export const claimsView = {
  name: 'claims',
  title: () => 'Claims by status',
  async render(body, { status }, signal) {
    const chosen = ClaimStatuses.some(([value]) => value === status) ? status : ClaimStatuses[0][0];
    const select = h('select', { id: 'claim-status', name: 'status', 'data-testid': 'claim-status' },
      ClaimStatuses.map(([value, words]) => h('option', { value, selected: value === chosen }, words)));
    const form = h('form', { class: 'inline-form', 'data-testid': 'claims-form', on: { submit: (event) => { event.preventDefault(); location.hash = Links.claims(select.value); } } },
      h('label', { for: 'claim-status' }, 'Status'), select, h('button', { type: 'submit' }, 'Show'));
    const results = h('div', { 'data-testid': 'claims-results' });
    replaceChildren(body, form, results);
    await showPage(results, chosen, '', 0, signal);
  },
};

async function showPage(slot, status, pageToken, shownBefore, signal) {
  replaceChildren(slot, loading('the claims'));
  let page;
  try {
    page = await getJson(Routes.claimsByStatus(status, ClaimsPerPage, pageToken), signal);
  } catch (error) {
    if (!signal.aborted) {
      replaceChildren(slot, failure('the claims', error));
    }
    return;
  }
  const claims = page.claims ?? [];
  if (claims.length === 0) {
    replaceChildren(slot, empty(shownBefore > 0 ? 'No more claims with this status.' : 'No claims with this status.'));
    return;
  }
  replaceChildren(slot,
    h('p', {}, `Claims ${shownBefore + 1}–${shownBefore + claims.length}, as of height ${count(page.asOfHeight ?? 0)}.`),
    h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Claims', tabindex: '0' },
      labelCells(h('table', { 'data-testid': 'claims' }, claimTableHead(), h('tbody', {}, claims.map(claimRow))))),
    page.nextPageToken
      ? h('button', { type: 'button', 'data-testid': 'claims-next', on: { click: () => showPage(slot, status, page.nextPageToken, shownBefore + claims.length, signal) } }, 'Next page')
      : '');
}
