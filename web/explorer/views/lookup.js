// A 64-hex-digit search: a transaction hash or a file's content hash. The transaction is tried
// first (exact), then the content hash; the reader sees which one matched.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure } from '#explorer/dom/view-states.js';
import { fromHex } from '#explorer/format/bytes.js';
import { transactionSections } from '#explorer/views/transaction.js';
import { workCard } from '#explorer/views/work-record.js';

export const lookupView = {
  name: 'lookup',
  title: () => 'Search result',
  async render(body, { hex }, signal) {
    const bytes = fromHex(hex);
    if (!bytes || bytes.length !== 32) {
      replaceChildren(body, failure('the search', { name: 'ApiError', message: 'A transaction or content hash is 64 hex digits.' }));
      return;
    }
    replaceChildren(body, loading('a transaction or registration with this hash'));
    const [transaction, content] = await Promise.allSettled([
      getJson(Routes.transaction(bytes), signal),
      getJson(Routes.workByContentSha256(bytes), signal),
    ]);
    if (signal.aborted) {
      return;
    }
    if (transaction.status === 'fulfilled') {
      replaceChildren(body, h('p', { 'data-testid': 'lookup-kind', 'data-kind': 'transaction' }, 'This is a transaction hash.'), ...transactionSections(hex, transaction.value));
    } else if (content.status === 'fulfilled') {
      replaceChildren(body, h('p', { 'data-testid': 'lookup-kind', 'data-kind': 'content' }, 'This is the content hash of a registered file.'), workCard(content.value.work ?? {}));
    } else if (transaction.reason?.isNotFound && content.reason?.isNotFound) {
      replaceChildren(body, h('div', { class: 'state state-empty', role: 'status', 'data-testid': 'lookup-kind', 'data-kind': 'none' },
        h('p', {}, 'No transaction has this hash, and no registered work has this content hash.')));
    } else {
      replaceChildren(body, failure('the search', transaction.reason?.isNotFound ? content.reason : transaction.reason));
    }
  },
};
