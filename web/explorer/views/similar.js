// Works that look like an image: its 64-bit perceptual hash is computed here, in the browser, the
// way Ledger.Client/Imaging computes it (the image is not uploaded), then the registry is asked for
// works within a few bits of it. A hash can also be typed directly (16 hex digits, as the CLI prints).
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { h, replaceChildren } from '#explorer/dom/element.js';
import { loading, failure, empty } from '#explorer/dom/view-states.js';
import { count } from '#explorer/format/display.js';
import { perceptualHash, toHex16 } from '#explorer/imaging/perceptual-hash.js';
import { lumaOfImageFile } from '#explorer/imaging/image-luma.js';
import { workCard } from '#explorer/views/work-record.js';

/** The registry searches within at most this many bits (FindSimilarWorksRequest.max_distance). */
export const DistanceMax = 8;
export const MatchesShownMax = 50;

export const similarView = {
  name: 'similar',
  title: () => 'Similar images',
  async render(body, _params, signal) {
    const fileInput = h('input', { type: 'file', id: 'similar-file', accept: 'image/png,image/jpeg', 'data-testid': 'similar-file' });
    const hashInput = h('input', { type: 'text', id: 'similar-hash', name: 'hash', spellcheck: 'false', autocomplete: 'off', pattern: '[0-9a-fA-F]{16}', 'data-testid': 'similar-hash', 'aria-describedby': 'similar-hash-help' });
    const distance = h('select', { id: 'similar-distance', 'data-testid': 'similar-distance' },
      Array.from({ length: DistanceMax + 1 }, (_, bits) => h('option', { value: String(bits), selected: bits === 6 }, `${bits} bit${bits === 1 ? '' : 's'}`)));
    const results = h('div', { 'data-testid': 'similar-results', 'aria-live': 'polite' });
    const form = h('form', { class: 'stacked-form', on: { submit: (event) => { event.preventDefault(); search(); } } },
      h('div', { class: 'drop-target', 'data-own-drop': '', on: { dragover: allowDrop, drop: dropped } },
        h('label', { for: 'similar-file' }, 'Image (PNG or JPEG), or drop one here'), fileInput),
      h('label', { for: 'similar-hash' }, 'Perceptual hash'),
      hashInput,
      h('p', { id: 'similar-hash-help', class: 'help' }, '16 hex digits. Filled in from the image you choose; or type the hash `ledger register` printed.'),
      h('label', { for: 'similar-distance' }, 'At most this many differing bits'), distance,
      h('button', { type: 'submit', 'data-testid': 'similar-search' }, 'Find similar works'));
    replaceChildren(body,
      h('p', {}, 'Similar pictures have perceptual hashes that differ in few bits. Your image is hashed in this browser and never uploaded.'),
      form, results);

    fileInput.addEventListener('change', () => fileInput.files[0] && hashImage(fileInput.files[0]));

    function allowDrop(event) {
      event.preventDefault();
      event.stopPropagation();
    }

    function dropped(event) {
      event.preventDefault();
      event.stopPropagation();
      document.getElementById('drop-overlay').hidden = true;
      const file = event.dataTransfer.files[0];
      if (file) {
        hashImage(file);
      }
    }

    async function hashImage(file) {
      replaceChildren(results, loading(`the perceptual hash of ${file.name}`));
      try {
        const { luma, width, height } = await lumaOfImageFile(file);
        hashInput.value = toHex16(perceptualHash(luma, width, height));
        await search();
      } catch (error) {
        replaceChildren(results, failure('the image', { name: 'ApiError', message: error.message }));
      }
    }

    async function search() {
      const text = hashInput.value.trim().toLowerCase();
      if (!/^[0-9a-f]{16}$/.test(text)) {
        replaceChildren(results, failure('similar works', { name: 'ApiError', message: 'A perceptual hash is 16 hex digits.' }));
        hashInput.focus();
        return;
      }
      replaceChildren(results, loading('similar works'));
      try {
        const answer = await getJson(Routes.similarWorks(BigInt(`0x${text}`), Number(distance.value), MatchesShownMax), signal);
        const matches = answer.matches ?? [];
        replaceChildren(results,
          h('p', { 'data-testid': 'similar-count' }, `${matches.length} work${matches.length === 1 ? '' : 's'} within ${distance.value} bits of ${text}, as of height ${count(answer.asOfHeight ?? 0)}.`,
            answer.truncated ? ' The search hit the node\'s bound: closer matches may be missing.' : ''),
          matches.length === 0 ? empty('No similar works.') : h('ol', { class: 'matches' }, matches.map((match) => h('li', { 'data-testid': 'similar-match', 'data-distance': String(match.distance ?? 0) },
            h('p', {}, `${match.distance ?? 0} bit${match.distance === 1 ? '' : 's'} away`),
            workCard(match.work ?? {}, { withActions: false, headingLevel: 'h4' })))));
      } catch (error) {
        if (!signal.aborted) {
          replaceChildren(results, failure('similar works', error));
        }
      }
    }
  },
};
