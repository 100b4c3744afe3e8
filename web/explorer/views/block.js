// One block: its header, its certification (which nodes attested it, against the quorum of the
// node set at its height) and its transactions with their results.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { describeTransaction } from '#explorer/chain/transaction-view-model.js';
import { transactionHash } from '#explorer/chain/transaction-hash.js';
import { quorumOf } from '#explorer/chain/node-set.js';
import { labelCells } from '#explorer/dom/table.js';
import { h, replaceChildren, facts } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { timeElement, hashField, count, enumWords } from '#explorer/format/display.js';
import { toHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';

/** Transaction rows shown per page of a block. */
export const TransactionsPerPage = 100;

export const blockView = {
  name: 'block',
  title: ({ height }) => `Block ${height}`,
  async render(body, { height }, signal) {
    if (!/^\d{1,20}$/.test(height)) {
      replaceChildren(body, failure('the block', { name: 'ApiError', message: `"${height}" is not a block height.` }));
      return;
    }
    replaceChildren(body, loading(`block ${height}`));
    const [block, certified, nodes] = await Promise.allSettled([
      getJson(Routes.block(height), signal),
      getJson(Routes.certifiedHeader(height), signal),
      getJson(Routes.nodes(height), signal),
    ]);
    if (signal.aborted) {
      return;
    }
    if (block.status === 'rejected') {
      replaceChildren(body, failure(`block ${height}`, block.reason));
      return;
    }
    const header = block.value.header ?? {};
    const previous = BigInt(height) > 1n ? Links.block((BigInt(height) - 1n).toString()) : undefined;
    replaceChildren(body,
      h('nav', { class: 'pager', 'aria-label': 'Neighbouring blocks' },
        previous ? h('a', { href: previous, rel: 'prev', 'data-testid': 'previous-block' }, '← Previous block') : '',
        h('a', { href: Links.block((BigInt(height) + 1n).toString()), rel: 'next', 'data-testid': 'next-block' }, 'Next block →')),
      h('section', { class: 'card', 'aria-labelledby': 'block-header-heading', 'data-testid': 'block-header' },
        h('h3', { id: 'block-header-heading' }, 'Header'),
        facts([
          ['Height', count(header.height ?? height)],
          ['Time (UTC)', timeElement(header.timestampUnixMs)],
          ['Chain', header.chainId],
          ['Transactions', count(header.txCount ?? 0)],
          ['Log size after this block', count(header.logSize ?? 0)],
          ['Proposer', header.proposerNodeId],
          ['Raft term, index', `${header.raftTerm ?? 0}, ${header.raftIndex ?? 0}`],
          ['Previous block hash', hashField(header.prevBlockHash, previous ? () => previous : undefined)],
          ['Transaction root', hashField(header.txRoot)],
          ['Log root', hashField(header.logRoot)],
          ['State root', hashField(header.stateRoot) || 'none'],
        ])),
      certificationSection(height, certified, nodes),
      transactionsSection(block.value, signal));
  },
};

function certificationSection(height, certified, nodes) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'certification-heading', id: 'certification', 'data-testid': 'certification' },
    h('h3', { id: 'certification-heading' }, 'Certification'));
  if (certified.status === 'rejected') {
    const notYet = certified.reason?.code === 'NOT_FOUND' || certified.reason?.code === 'FAILED_PRECONDITION' || certified.reason?.httpStatus === 404;
    section.append(notYet
      ? h('p', { 'data-testid': 'certification-verdict', 'data-certified': 'false' }, `Not certified yet on this node: fewer than a quorum of nodes have attested block ${height}. ${certified.reason.message}`)
      : failure('the certification', certified.reason));
    return section;
  }
  const attestations = certified.value.attestations ?? [];
  const active = nodes.status === 'fulfilled' ? nodes.value.nodes ?? [] : null;
  const attestedIds = new Set(attestations.map((a) => a.nodeId));
  const quorum = active ? quorumOf(active.length) : null;
  section.append(h('p', { 'data-testid': 'certification-verdict', 'data-certified': 'true' },
    active
      ? `Certified: ${attestations.length} of the ${active.length} node${active.length === 1 ? '' : 's'} active at this height attested it (quorum ${quorum}).`
      : `Certified: ${attestations.length} attestation${attestations.length === 1 ? '' : 's'} (the node set could not be read: ${nodes.reason?.message}).`));
  const rows = attestations.map((attestation) => h('tr', { 'data-testid': 'attestation-row', 'data-node-id': attestation.nodeId ?? '' },
    h('th', { scope: 'row' }, attestation.nodeId ?? ''),
    h('td', {}, 'attested'),
    h('td', {}, attestation.suite ?? ''),
    h('td', {}, hashField(attestation.keyId)),
    h('td', {}, hashField(attestation.blockHash)),
    h('td', {}, attestation.checkpointSignature ? 'yes' : 'no')));
  for (const node of active ?? []) {
    if (!attestedIds.has(node.nodeId)) {
      rows.push(h('tr', { 'data-testid': 'attestation-row', 'data-node-id': node.nodeId, class: 'missing' },
        h('th', { scope: 'row' }, node.nodeId), h('td', {}, 'no attestation held by this node'), h('td', {}, node.key?.suite ?? ''),
        h('td', {}, hashField(node.keyId)), h('td', {}, ''), h('td', {}, '')));
    }
  }
  section.append(h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Attestations', tabindex: '0' },
    labelCells(h('table', { 'data-testid': 'attestations' },
      h('caption', {}, 'Attestations: each node signs the hash of the header after checking every transaction itself'),
      h('thead', {}, h('tr', {}, ['Node', 'Status', 'Suite', 'Key id', 'Block hash signed', 'Checkpoint signed'].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows)))));
  return section;
}

function transactionsSection(block, signal) {
  const transactions = block.transactions ?? [];
  const results = block.results ?? [];
  const section = h('section', { class: 'card', 'aria-labelledby': 'transactions-heading', 'data-testid': 'block-transactions' },
    h('h3', { id: 'transactions-heading' }, `Transactions (${count(transactions.length)})`));
  if (transactions.length === 0) {
    section.append(empty('This block holds no transactions.'));
    return section;
  }
  const tbody = h('tbody');
  const pager = h('p', { class: 'pager' });
  const table = h('table', { 'data-testid': 'transactions' },
      h('caption', {}, 'In block order; a rejected transaction stays in the chain with its reason'),
      h('thead', {}, h('tr', {}, ['Position', 'Transaction hash', 'Type', 'Result'].map((label) => h('th', { scope: 'col' }, label)))),
      tbody);
  section.append(h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Transactions of this block', tabindex: '0' }, table), pager);

  async function showPage(page) {
    const start = page * TransactionsPerPage;
    const end = Math.min(transactions.length, start + TransactionsPerPage);
    const rows = [];
    for (let i = start; i < end; i++) {
      const described = describeTransaction(transactions[i]);
      const txHex = toHex(await transactionHash(transactions[i], described?.suite));
      if (signal.aborted) {
        return;
      }
      const result = results[i] ?? {};
      const ok = result.code === 'RESULT_CODE_OK';
      rows.push(h('tr', { 'data-testid': 'transaction-row', 'data-tx-hash': txHex },
        h('td', { class: 'number' }, i),
        h('td', {}, h('a', { href: Links.transaction(txHex) }, h('code', { class: 'hash' }, txHex))),
        h('td', {}, described?.type ?? 'undecodable'),
        h('td', {}, h('span', { class: ok ? 'badge badge-ok' : 'badge badge-bad' }, ok ? 'accepted' : enumWords(result.code, 'RESULT_CODE_')),
          result.reason ? ` ${result.reason}` : '')));
    }
    replaceChildren(tbody, rows);
    labelCells(table);
    const pages = Math.ceil(transactions.length / TransactionsPerPage);
    replaceChildren(pager,
      pages > 1 ? `Transactions ${start + 1}–${end} of ${transactions.length}. ` : '',
      page > 0 ? h('button', { type: 'button', on: { click: () => show(page - 1) } }, 'Previous page') : '',
      page + 1 < pages ? h('button', { type: 'button', 'data-testid': 'next-transactions', on: { click: () => show(page + 1) } }, 'Next page') : '');
  }
  function show(page) {
    showPage(page).catch((error) => {
      if (!signal.aborted) {
        replaceChildren(tbody, h('tr', {}, h('td', { colspan: '4' }, failure('the transactions', error))));
      }
    });
  }
  show(0);
  return section;
}

