// The registration of a file's content hash (SHA-256, the registry-wide lookup key), with the
// evidence buttons. Reached from the search box, a link, or a dropped file (hashed in the browser).
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure } from '#explorer/dom/view-states.js';
import { hashText } from '#explorer/format/display.js';
import { fromHex } from '#explorer/format/bytes.js';
import { workCard } from '#explorer/views/work-record.js';
import { droppedFileNote } from '#explorer/files/last-dropped-file.js';

export const contentView = {
  name: 'content',
  title: () => 'Registration of a file',
  async render(body, { sha256Hex }, signal) {
    const sha256 = fromHex(sha256Hex);
    if (!sha256 || sha256.length !== 32) {
      replaceChildren(body, failure('the registration', { name: 'ApiError', message: 'A content hash is 64 hex digits (SHA-256).' }));
      return;
    }
    const intro = h('p', { class: 'lead' }, 'Content SHA-256 ', hashText(sha256Hex), droppedFileNote(sha256Hex));
    replaceChildren(body, intro, loading('the registration'));
    try {
      const found = await getJson(Routes.workByContentSha256(sha256), signal);
      replaceChildren(body, intro, h('div', { 'data-testid': 'content-match', 'data-found': 'true' }, workCard(found.work ?? {})));
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      replaceChildren(body, intro, error.isNotFound
        ? h('div', { class: 'state state-empty', 'data-testid': 'content-match', 'data-found': 'false', role: 'status' },
          h('p', {}, h('strong', {}, 'Not registered. '), 'No work with this content hash is registered on this ledger (as far as this node has applied). ', error.message))
        : failure('the registration', error));
    }
  },
};
