// Hash routing: "#/block/12" → the block view with { height: '12' }. One view at a time; the
// previous one's requests are cancelled when the reader moves on.
import { h, replaceChildren } from '#explorer/dom/element.js';

/**
 * @param {HTMLElement} outlet where views render
 * @param {Array<{ pattern: RegExp, view: { title: Function, render: Function }, names?: string[] }>} table
 * @param {{ onRendered?: Function }} hooks
 */
export function startRouter(outlet, table, notFound, hooks = {}) {
  let current = null;
  let firstRoute = true;

  async function route() {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const hash = decodedHash() || '/';
    const { view, params } = match(table, hash) ?? { view: notFound, params: { path: hash } };
    document.title = `${view.title(params)} · Ledger explorer`;
    const heading = h('h2', { id: 'view-heading', tabindex: '-1' }, view.title(params));
    const body = h('div', { class: 'view-body' });
    replaceChildren(outlet, heading, body);
    outlet.dataset.view = view.name ?? '';
    markCurrentNavigation(hash);
    if (!firstRoute) {
      // Keyboard and screen-reader users land on the new view's heading, not on the link they left.
      heading.focus();
    }
    firstRoute = false;
    try {
      await view.render(body, params, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      throw error;
    }
    if (!controller.signal.aborted) {
      hooks.onRendered?.(view, params);
    }
  }

  window.addEventListener('hashchange', route);
  return route();
}

/** The route part of the address; a malformed %-escape is kept as typed (it then matches no route). */
function decodedHash() {
  const raw = location.hash.replace(/^#/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function match(table, hash) {
  for (const { pattern, view, names = [] } of table) {
    const found = pattern.exec(hash);
    if (found) {
      const params = {};
      names.forEach((name, i) => {
        params[name] = found[i + 1];
      });
      return { view, params };
    }
  }
  return null;
}

/** aria-current="page" on the navigation link of the view shown. */
function markCurrentNavigation(hash) {
  for (const link of document.querySelectorAll('#site-nav a')) {
    const target = link.getAttribute('href').replace(/^#/, '');
    const isCurrent = target === '/' ? hash === '/' : hash === target || hash.startsWith(`${target}/`);
    if (isCurrent) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}
