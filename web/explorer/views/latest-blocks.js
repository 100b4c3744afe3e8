// The home view: the node's state and the latest blocks, kept live. New blocks are added at the
// top as the node reports them, at most BlocksShownMax rows stay in the page, and screen readers
// hear a short summary through the page's aria-live region.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { mapSettledLimited } from '#explorer/api/parallel.js';
import { blockSummary } from '#explorer/chain/block-summary.js';
import { h, replaceChildren, facts } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { timeElement, count } from '#explorer/format/display.js';
import { startBlockFeed } from '#explorer/live/block-feed.js';
import { announce } from '#explorer/live/announcer.js';
import { Links } from '#explorer/routing/links.js';
import { recordFirstRender } from '#explorer/timing/first-render.js';

/** Rows kept in the page; older ones are removed as new blocks arrive. */
export const BlocksShownMax = 20;

export const latestBlocksView = {
  name: 'latest-blocks',
  title: () => 'Latest blocks',
  async render(body, _params, signal) {
    const statusSlot = h('section', { 'aria-labelledby': 'node-status-heading', class: 'card', 'data-testid': 'node-status' },
      h('h3', { id: 'node-status-heading' }, 'This node'), loading('the node\'s status'));
    const liveLine = h('p', { id: 'live-status', class: 'live-status', 'data-testid': 'live-status' }, 'Live: waiting for the node…');
    const rows = h('tbody', { id: 'latest-blocks-rows' });
    const table = h('table', { id: 'latest-blocks', 'data-testid': 'latest-blocks', class: 'blocks' },
      h('caption', {}, `The ${BlocksShownMax} most recent blocks, newest first`),
      h('thead', {}, h('tr', {}, ['Height', 'Time (UTC)', 'Transactions', 'Log size', 'Proposer', 'Certified'].map((label) => h('th', { scope: 'col', class: [label === 'Transactions' || label === 'Log size' ? 'number' : '', label === 'Log size' || label === 'Proposer' ? 'optional' : ''].join(' ').trim() || null }, label)))),
      rows);
    const listSlot = h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Latest blocks', tabindex: '0' }, loading('the latest blocks'));
    replaceChildren(body, statusSlot, h('section', { 'aria-labelledby': 'view-heading' }, liveLine, listSlot));

    let status;
    try {
      status = await getJson(Routes.status(), signal);
    } catch (error) {
      replaceChildren(listSlot, failure('the node\'s status', error));
      statusSlot.lastChild.replaceWith(failure('the node\'s status', error));
      startFeed(0n);
      return;
    }
    showStatus(statusSlot, status);
    const height = BigInt(status.height ?? '0');
    if (height === 0n) {
      replaceChildren(listSlot, empty('No blocks yet. Register a work and its block appears here.'), table);
      table.hidden = true;
    } else {
      const first = height - BigInt(BlocksShownMax) + 1n > 1n ? height - BigInt(BlocksShownMax) + 1n : 1n;
      const summaries = await summariesOf(first, height, signal);
      if (signal.aborted) {
        return;
      }
      rows.append(...summaries.reverse());
      replaceChildren(listSlot, table);
    }
    recordFirstRender();
    startFeed(height);

    // A row drawn before its block was certified says "not yet"; once the node reports a certified
    // height at or above it, its certification is read again and the cell updated in place (the row
    // element stays, so focus and screen-reader position are kept). At most BlocksShownMax rows.
    let refreshing = false;
    async function refreshCertified(certifiedHeight) {
      if (refreshing) {
        return;
      }
      const pending = [...rows.querySelectorAll('tr[data-certified="no"]')].filter((row) => BigInt(row.dataset.height) <= certifiedHeight);
      if (pending.length === 0) {
        return;
      }
      refreshing = true;
      try {
        const settled = await mapSettledLimited(pending, (row) => blockSummary(BigInt(row.dataset.height), signal));
        if (signal.aborted) {
          return;
        }
        settled.forEach((result, i) => {
          if (result.status === 'fulfilled' && result.value.attestations !== null && pending[i].isConnected) {
            pending[i].dataset.certified = 'yes';
            replaceChildren(pending[i].lastElementChild, certifiedBadge(result.value.attestations));
          }
        });
      } finally {
        refreshing = false;
      }
    }

    function startFeed(fromHeight) {
      startBlockFeed({
        fromHeight,
        signal,
        onHealth: ({ ok, error, retryInMs, status: latest }) => {
          if (ok) {
            liveLine.textContent = `Live: checking for new blocks every few seconds (height ${count(latest.height)}).`;
            liveLine.classList.remove('live-paused');
            showStatus(statusSlot, latest);
            void refreshCertified(BigInt(latest.certifiedHeight ?? '0'));
          } else {
            liveLine.textContent = `Live updates paused: ${error.message} Retrying in ${Math.round(retryInMs / 1000)} s.`;
            liveLine.classList.add('live-paused');
          }
        },
        onNewHeights: async (firstNew, lastNew) => {
          // Only the newest BlocksShownMax can be shown; older new ones are skipped, not fetched.
          const from = lastNew - BigInt(BlocksShownMax) + 1n > firstNew ? lastNew - BigInt(BlocksShownMax) + 1n : firstNew;
          const added = await summariesOf(from, lastNew, signal);
          if (signal.aborted) {
            return;
          }
          table.hidden = false;
          listSlot.querySelector('[data-testid="empty"]')?.remove();
          if (!table.isConnected) {
            replaceChildren(listSlot, table);
          }
          for (const row of added) {
            rows.prepend(row);
          }
          while (rows.rows.length > BlocksShownMax) {
            rows.lastElementChild.remove();
          }
          const newCount = lastNew - firstNew + 1n;
          announce(newCount === 1n ? `New block ${lastNew}.` : `${newCount} new blocks, latest ${lastNew}.`);
        },
      });
    }
  },
};

async function summariesOf(first, last, signal) {
  const heights = [];
  for (let height = first; height <= last; height++) {
    heights.push(height);
  }
  const settled = await mapSettledLimited(heights, (height) => blockSummary(height, signal));
  return settled.map((result, i) => (result.status === 'fulfilled' ? blockRow(result.value) : errorRow(heights[i], result.reason)));
}

function certifiedBadge(attestations) {
  return attestations === null
    ? h('span', { class: 'badge badge-pending' }, 'not yet')
    : h('span', { class: 'badge badge-ok' }, `yes, ${attestations.length} attestation${attestations.length === 1 ? '' : 's'}`);
}

function blockRow({ height, header, attestations }) {
  const certified = certifiedBadge(attestations);
  return h('tr', { 'data-testid': 'block-row', 'data-height': String(height), 'data-certified': attestations === null ? 'no' : 'yes' },
    h('th', { scope: 'row' }, h('a', { href: Links.block(height), 'data-testid': 'block-link' }, count(height))),
    h('td', { class: 'time' }, timeElement(header.timestampUnixMs, { withZone: false })),
    h('td', { class: 'number' }, count(header.txCount ?? 0)),
    h('td', { class: 'number optional' }, count(header.logSize ?? 0)),
    h('td', { class: 'optional' }, header.proposerNodeId ?? ''),
    h('td', { 'data-testid': 'block-certified' }, certified));
}

function errorRow(height, error) {
  return h('tr', { 'data-testid': 'block-row', 'data-height': String(height) },
    h('th', { scope: 'row' }, h('a', { href: Links.block(height) }, count(height))),
    h('td', { colspan: '5', class: 'row-error' }, error?.message ?? 'could not be read'));
}

function showStatus(slot, status) {
  const summary = facts([
    ['Chain', status.chainId],
    ['Node', `${status.nodeId ?? ''} (${status.role ?? 'unknown role'})`],
    ['Leader', status.leaderId || 'none known'],
    ['Height', count(status.height ?? 0)],
    ['Certified height', count(status.certifiedHeight ?? 0)],
    ['Transactions in the log', count(status.logSize ?? 0)],
    ['Voters', (status.voters ?? []).join(', ')],
    ['Serving', status.fault ? `no: ${status.fault}` : status.recovering ? `recovering: ${status.recovery}` : 'yes'],
  ], { 'data-testid': 'node-status-facts', class: 'facts compact' });
  slot.lastChild.replaceWith(summary);
}
