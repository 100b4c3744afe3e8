// What a reader can do with a registration: download its evidence bundle (JSON), download the
// self-verifying HTML, or check the bundle here, in this browser (/verify.html). The explorer hands
// verify.html the bundle only: the genesis fingerprint to trust comes from the reader, never from
// the node whose word is being checked.
//
// The links are real links to GET /v1/evidence/… (a test or a reader without JavaScript can follow
// them), but a click fetches first, so that a refusal (block not yet certified, unknown
// transaction) is shown in words instead of being saved as a file.
import { getBytes } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { h } from '#explorer/dom/element.js';
import { fromHex, toBase64Url } from '#explorer/format/bytes.js';
import { saveBytes } from '#explorer/files/save-download.js';

/** Bundles larger than this are downloaded rather than passed to verify.html in the address. */
export const FragmentBundleBytesMax = 1024 * 1024;

/**
 * Buttons for the transaction `txHex` (the registration, licence, claim… to prove); `itemIndex`
 * names one item of a batch registration (undefined: the whole transaction).
 */
export function evidenceActions(txHex, itemIndex) {
  const txHash = fromHex(txHex);
  const message = h('p', { class: 'action-message', role: 'status', 'data-testid': 'evidence-message' });
  // The node's own naming (evidence_api.proto): evidence-<first 16 hex digits>[-item-N].json|html.
  const baseName = `evidence-${txHex.slice(0, 16)}${itemIndex !== undefined ? `-item-${itemIndex}` : ''}`;
  const download = (format, type, label, id) => h('a', {
    class: 'button',
    id,
    'data-testid': id,
    href: Routes.evidence(txHash, format, itemIndex),
    download: `${baseName}.${format}`,
    on: {
      click: async (event) => {
        event.preventDefault();
        message.textContent = `Fetching the ${label}…`;
        try {
          const bytes = await getBytes(Routes.evidence(txHash, format, itemIndex));
          saveBytes(bytes, `${baseName}.${format}`, type);
          message.textContent = `Saved ${baseName}.${format} (${bytes.length.toLocaleString('en-US')} bytes).`;
        } catch (error) {
          message.textContent = `Could not fetch the ${label}: ${error.message}`;
        }
      },
    },
  }, `Download ${label}`);
  return h('div', { class: 'actions', 'data-testid': 'evidence-actions' },
    download('json', 'application/json', 'evidence bundle (JSON)', 'download-bundle'),
    download('html', 'text/html', 'self-verifying HTML', 'download-html'),
    h('button', { type: 'button', id: 'verify-in-browser', 'data-testid': 'verify-in-browser', on: { click: () => openInVerifier(txHash, itemIndex, message) } }, 'Verify in this browser'),
    message);
}

async function openInVerifier(txHash, itemIndex, message) {
  message.textContent = 'Fetching the evidence bundle…';
  try {
    // The bundle's exact bytes: the verifier checks those, not a re-serialization.
    const bundle = await getBytes(Routes.evidence(txHash, 'json', itemIndex));
    if (bundle.length > FragmentBundleBytesMax) {
      message.textContent = `The bundle is ${bundle.length.toLocaleString('en-US')} bytes, too large to hand over in the address: download it and open it in the verifier.`;
      return;
    }
    message.textContent = '';
    window.location.assign(`/verify.html#bundle=${toBase64Url(bundle)}`);
  } catch (error) {
    message.textContent = `Could not fetch the evidence bundle: ${error.message}`;
  }
}
