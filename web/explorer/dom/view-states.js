// What a view shows while it waits, when it fails and when there is nothing: the same everywhere.
import { h } from '#explorer/dom/element.js';

export function loading(what) {
  return h('p', { class: 'state state-loading', role: 'status', 'data-testid': 'loading' }, `Loading ${what}…`);
}

/** An API failure in words (ApiError.message), never a raw body. */
export function failure(what, error) {
  const message = error?.name === 'ApiError' ? error.message : `Something went wrong in the page (${error?.message ?? error}).`;
  return h('div', { class: 'state state-error', role: 'alert', 'data-testid': 'error' },
    h('p', {}, h('strong', {}, `Could not load ${what}. `), message));
}

export function empty(text) {
  return h('p', { class: 'state state-empty', 'data-testid': 'empty' }, text);
}
