// A work's page: the record, then its history in chain order (registration, transfers, licences,
// claims, evidence, judgments), a page at a time, and its claims.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { labelCells } from '#explorer/dom/table.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { hashField, holderWords, positionWords, enumWords } from '#explorer/format/display.js';
import { fromHex, base64ToHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';
import { workCard } from '#explorer/views/work-record.js';
import { claimRow, claimTableHead } from '#explorer/views/claim-row.js';

export const workView = {
  name: 'work',
  title: () => 'Work',
  async render(body, { workHex }, signal) {
    const workId = fromHex(workHex);
    if (!workId || workId.length !== 36) {
      replaceChildren(body, failure('the work', { name: 'ApiError', message: 'A work id is 72 hex digits: the registering transaction\'s hash and the item index.' }));
      return;
    }
    replaceChildren(body, loading('the work'));
    const [work, claims] = await Promise.allSettled([getJson(Routes.work(workId), signal), getJson(Routes.claimsOfWork(workId), signal)]);
    if (signal.aborted) {
      return;
    }
    if (work.status === 'rejected') {
      replaceChildren(body, failure('the work', work.reason));
      return;
    }
    const history = h('section', { class: 'card', 'aria-labelledby': 'history-heading', 'data-testid': 'work-history' },
      h('h3', { id: 'history-heading' }, 'History'));
    replaceChildren(body, workCard(work.value.work ?? {}), history, claimsSection(claims));
    await showHistory(history, workId, '', signal);
  },
};

async function showHistory(section, workId, pageToken, signal) {
  const slot = h('div', {}, loading('the history'));
  section.append(slot);
  let page;
  try {
    page = await getJson(Routes.workHistory(workId, pageToken), signal);
  } catch (error) {
    if (!signal.aborted) {
      replaceChildren(slot, failure('the history', error));
    }
    return;
  }
  const events = page.events ?? [];
  const list = h('ol', { class: 'timeline', 'data-testid': 'history-events' }, events.map(eventItem));
  const more = page.nextPageToken
    ? h('button', { type: 'button', 'data-testid': 'history-more', on: { click: (event) => { event.currentTarget.remove(); showHistory(section, workId, page.nextPageToken, signal); } } }, 'Show more history')
    : '';
  replaceChildren(slot, events.length > 0 ? list : empty('No events.'), more);
}

function eventItem(event) {
  const kind = enumWords(event.kind, 'WORK_EVENT_KIND_');
  const details = [];
  if (event.actorMemberId) {
    details.push(`by ${event.actorMemberId}`);
  }
  if (event.previousHolder) {
    details.push(`from ${holderWords(event.previousHolder)}`);
  }
  if (event.newHolder) {
    details.push(`to ${holderWords(event.newHolder)}`);
  }
  return h('li', { 'data-testid': 'history-event', 'data-kind': event.kind ?? '' },
    h('strong', {}, kind), details.length > 0 ? ` ${details.join(' ')}` : '', ' — ',
    h('a', { href: Links.transaction(base64ToHex(event.txHash)) }, positionWords(event.at)),
    subjectOf(event));
}

/** The licence, claim or evidence an event is about (the id is the hash of the transaction that created it). */
function subjectOf(event) {
  const kind = event.kind ?? '';
  if (!event.subjectId || kind === 'WORK_EVENT_KIND_REGISTERED' || kind === 'WORK_EVENT_KIND_OWNERSHIP_TRANSFERRED') {
    return '';
  }
  const noun = kind.includes('LICENSE') ? 'licence' : kind.includes('EVIDENCE') ? 'evidence' : 'claim';
  return [` · ${noun} `, hashField(event.subjectId, Links.transaction)];
}

function claimsSection(claims) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'work-claims-heading', 'data-testid': 'work-claims' },
    h('h3', { id: 'work-claims-heading' }, 'Claims against copies of this work'));
  if (claims.status === 'rejected') {
    section.append(failure('the claims', claims.reason));
  } else if ((claims.value.claims ?? []).length === 0) {
    section.append(empty('No claims.'));
  } else {
    section.append(h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Claims of this work', tabindex: '0' },
      labelCells(h('table', {}, claimTableHead(), h('tbody', {}, claims.value.claims.map(claimRow))))));
  }
  return section;
}
