// "Is this file registered?": pick or drop a file; it is hashed in this browser and never uploaded.
import { h, replaceChildren } from '#explorer/dom/element.js';
import { lookUpFile } from '#explorer/files/look-up-file.js';

export const findFileView = {
  name: 'find-file',
  title: () => 'Find a file',
  async render(body) {
    const input = h('input', { type: 'file', id: 'file-input', 'data-testid': 'file-input', on: { change: () => input.files[0] && lookUpFile(input.files[0]) } });
    replaceChildren(body,
      h('p', {}, 'Choose a file, or drop one anywhere on this page. Its SHA-256 is computed here, in your browser; the file itself is never sent anywhere. The ledger is then asked whether a work with that content hash is registered.'),
      h('div', { class: 'drop-target card' },
        h('label', { for: 'file-input' }, 'File to look up'), input));
  },
};
