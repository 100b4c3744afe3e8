import { h, replaceChildren } from '#explorer/dom/element.js';
import { Links } from '#explorer/routing/links.js';

export const notFoundView = {
  name: 'not-found',
  title: () => 'No such page',
  async render(body, { path }) {
    replaceChildren(body, h('p', { 'data-testid': 'not-found' }, `The explorer has no page at "${path}". `, h('a', { href: Links.home() }, 'Go to the latest blocks.')));
  },
};
