// Members (roles, keys) and nodes as they stood at the end of a block (0 = genesis).
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { quorumOf } from '#explorer/chain/node-set.js';
import { labelCells } from '#explorer/dom/table.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { hashField, positionWords, enumWords, count } from '#explorer/format/display.js';
import { Links } from '#explorer/routing/links.js';

export const membersView = {
  name: 'members',
  title: ({ height }) => (height !== undefined ? `Members and nodes at height ${height}` : 'Members and nodes'),
  async render(body, { height }, signal) {
    let at = height;
    if (at === undefined) {
      replaceChildren(body, loading('the current height'));
      try {
        at = (await getJson(Routes.status(), signal)).height ?? '0';
      } catch (error) {
        if (!signal.aborted) {
          replaceChildren(body, failure('the current height', error));
        }
        return;
      }
    }
    if (!/^\d{1,20}$/.test(String(at))) {
      replaceChildren(body, failure('the members', { name: 'ApiError', message: `"${at}" is not a block height.` }));
      return;
    }
    const input = h('input', { id: 'members-height', name: 'height', type: 'text', inputmode: 'numeric', pattern: '[0-9]*', value: String(at), 'data-testid': 'members-height' });
    const form = h('form', { class: 'inline-form', on: { submit: (event) => { event.preventDefault(); location.hash = Links.members(input.value.trim()); } } },
      h('label', { for: 'members-height' }, 'At height (0 = genesis)'), input, h('button', { type: 'submit' }, 'Show'));
    const slot = h('div', {}, loading(`members at height ${at}`));
    replaceChildren(body, form, slot);
    const [members, nodes] = await Promise.allSettled([getJson(Routes.membersAt(at), signal), getJson(Routes.nodes(at), signal)]);
    if (signal.aborted) {
      return;
    }
    replaceChildren(slot, membersSection(members), nodesSection(nodes, at));
  },
};

function membersSection(members) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'members-heading', 'data-testid': 'members' }, h('h3', { id: 'members-heading' }, 'Members'));
  if (members.status === 'rejected') {
    section.append(failure('the members', members.reason));
    return section;
  }
  const list = members.value.members ?? [];
  if (list.length === 0) {
    section.append(empty('No members.'));
    return section;
  }
  section.append(h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Members', tabindex: '0' },
    labelCells(h('table', {},
      h('caption', {}, `As of the end of block ${count(members.value.height ?? 0)}`),
      h('thead', {}, h('tr', {}, ['Member', 'Name', 'Role', 'Active', 'Valid keys'].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, list.map((member) => h('tr', { 'data-testid': 'member-row', 'data-member-id': member.memberId ?? '' },
        h('th', { scope: 'row' }, member.memberId ?? ''),
        h('td', {}, member.displayName ?? ''),
        h('td', {}, enumWords(member.role, 'MEMBER_ROLE_')),
        h('td', {}, member.active ? 'yes' : 'no'),
        h('td', {}, h('ul', { class: 'plain' }, (member.validKeys ?? []).map((key) => h('li', {}, key.suite ?? '', ' ', hashField(key.keyId))))))))))));
  return section;
}

function nodesSection(nodes, at) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'nodes-heading', 'data-testid': 'nodes' }, h('h3', { id: 'nodes-heading' }, 'Nodes'));
  if (nodes.status === 'rejected') {
    section.append(failure('the nodes', nodes.reason));
    return section;
  }
  const active = nodes.value.nodes ?? [];
  section.append(h('p', { 'data-testid': 'quorum' }, `${active.length} node${active.length === 1 ? '' : 's'} active at height ${count(at)}: a block needs ${quorumOf(active.length)} attestation${quorumOf(active.length) === 1 ? '' : 's'} to be certified.`));
  section.append(h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Nodes', tabindex: '0' },
    labelCells(h('table', {},
      h('thead', {}, h('tr', {}, ['Node', 'Address', 'Suite', 'Key id', 'Added'].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, active.map((node) => h('tr', { 'data-testid': 'node-row', 'data-node-id': node.nodeId ?? '' },
        h('th', { scope: 'row' }, node.nodeId ?? ''),
        h('td', {}, node.address ?? ''),
        h('td', {}, node.key?.suite ?? ''),
        h('td', {}, hashField(node.keyId)),
        h('td', {}, positionWords(node.addedAt) || 'genesis'))))))));
  return section;
}
