// Building DOM without HTML strings: text goes in as text nodes, so nothing a node or a file says
// can become markup (and the page needs no 'unsafe-inline' anywhere).

/**
 * A new element. `attributes`: plain attributes (strings, numbers, true for presence; false/null/undefined
 * skip), plus `on: { click: fn }` listeners and `dataset: {}`. Children: nodes, strings, numbers,
 * arrays of those, and null/false (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (name === 'on') {
      for (const [event, listener] of Object.entries(value)) {
        element.addEventListener(event, listener);
      }
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else if (child !== null && child !== undefined && child !== false) {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces every child of `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A definition list of [term, description] pairs (descriptions may be nodes); null descriptions are left out. */
export function facts(pairs, attributes = {}) {
  return h('dl', { class: 'facts', ...attributes },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value))));
}
