// Remembers the name and size of the file last hashed in this page (in memory only), so the
// content view can say "this is the file you dropped" next to the hash it shows.
import { h } from '#explorer/dom/element.js';

let last = null;

export function rememberDroppedFile(sha256Hex, file) {
  last = { sha256Hex, name: file.name, size: file.size };
}

/** A short note naming the dropped file when `sha256Hex` is its hash; '' otherwise. */
export function droppedFileNote(sha256Hex) {
  if (!last || last.sha256Hex !== sha256Hex) {
    return '';
  }
  return h('span', { 'data-testid': 'dropped-file-name' }, ` of ${last.name} (${last.size.toLocaleString('en-US')} bytes), hashed in this browser: the file was not uploaded.`);
}
