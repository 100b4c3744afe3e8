// The items of a batch registration, a page at a time, each with its outcome (accepted, or rejected
// with the reason from GET /v1/batch-outcomes/{tx}) and a link to the work it registered.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { batchItems } from '#explorer/chain/batch-items.js';
import { labelCells } from '#explorer/dom/table.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { failure, empty } from '#explorer/dom/view-states.js';
import { hashText, count } from '#explorer/format/display.js';
import { fromHex } from '#explorer/format/bytes.js';
import { Links, workIdOfRegistration } from '#explorer/routing/links.js';

export const ItemsPerPage = 100;

export function batchItemsSection(txHex, signed, accepted) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'items-heading', 'data-testid': 'batch-items' },
    h('h3', { id: 'items-heading' }, 'Items'));
  const items = batchItems(signed);
  if (!items) {
    section.append(failure('the items', { name: 'ApiError', message: 'The detached items do not decode as ledger.v1.BatchItems.' }));
    return section;
  }
  if (items.length === 0) {
    section.append(empty('The node returned no detached items for this batch.'));
    return section;
  }
  const summary = h('p', { 'data-testid': 'batch-summary' }, `${count(items.length)} items.`);
  const tbody = h('tbody');
  const table = h('table', { 'data-testid': 'batch-item-rows' },
    h('thead', {}, h('tr', {}, ['Item', 'Item id', 'Content SHA-256', 'Outcome'].map((label) => h('th', { scope: 'col' }, label)))),
    tbody);
  const pager = h('p', { class: 'pager' });
  section.append(summary, h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Items of this batch', tabindex: '0' }, table), pager);

  let rejections = new Map();
  if (accepted) {
    getJson(Routes.batchOutcome(fromHex(txHex)))
      .then((answer) => {
        const outcome = answer.outcome ?? {};
        rejections = new Map((outcome.rejections ?? []).map((rejection) => [Number(rejection.itemIndex ?? 0), rejection]));
        summary.textContent = `${count(items.length)} items: ${count(outcome.acceptedCount ?? 0)} registered, ${count(rejections.size)} rejected.`;
        show(currentPage);
      })
      .catch((error) => summary.append(` Outcomes could not be read: ${error.message}`));
  }

  let currentPage = 0;
  function show(page) {
    currentPage = page;
    const start = page * ItemsPerPage;
    const end = Math.min(items.length, start + ItemsPerPage);
    const rows = items.slice(start, end).map((item) => {
      const rejection = rejections.get(item.index);
      const workHex = workIdOfRegistration(txHex, item.index);
      return h('tr', { 'data-testid': 'batch-item-row', 'data-item-index': String(item.index) },
        h('td', { class: 'number' }, String(item.index)),
        h('td', {}, item.itemId),
        h('td', {}, hashText(item.contentSha256Hex, Links.content(item.contentSha256Hex))),
        h('td', {}, !accepted
          ? 'batch rejected'
          : rejection
            ? [h('span', { class: 'badge badge-bad' }, 'rejected'), ` ${rejection.reason ?? rejection.reasonCode ?? ''}`]
            : h('a', { href: Links.work(workHex) }, 'registered: its work')));
    });
    replaceChildren(tbody, rows);
    labelCells(table);
    const pages = Math.ceil(items.length / ItemsPerPage);
    replaceChildren(pager,
      pages > 1 ? `Items ${start}–${end - 1} of ${items.length}. ` : '',
      page > 0 ? h('button', { type: 'button', on: { click: () => show(page - 1) } }, 'Previous items') : '',
      page + 1 < pages ? h('button', { type: 'button', 'data-testid': 'batch-items-next', on: { click: () => show(page + 1) } }, 'Next items') : '');
  }
  show(0);
  return section;
}
