// What a reader can do with a registration: download its evidence bundle (JSON), download the
// self-verifying HTML, or check the bundle here, in this browser (/verify.html). The explorer hands
// verify.html the bundle only: the genesis fingerprint to trust comes from the reader, never from
// the node whose word is being checked.
import { getBytes } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { h } from '#explorer/dom/element.js';
import { fromHex, toBase64Url } from '#explorer/format/bytes.js';

/** Bundles larger than this are downloaded rather than passed to verify.html in the address. */
export const FragmentBundleBytesMax = 1024 * 1024;

/** Buttons for the transaction `txHex` (the registration, licence, claim… to prove). */
export function evidenceActions(txHex) {
  const txHash = fromHex(txHex);
  const message = h('p', { class: 'action-message', role: 'status', 'data-testid': 'verify-message' });
  const verify = h('button', {
    type: 'button',
    id: 'verify-in-browser',
    'data-testid': 'verify-in-browser',
    on: { click: () => openInVerifier(txHash, message) },
  }, 'Verify in this browser');
  return h('div', { class: 'actions', 'data-testid': 'evidence-actions' },
    h('a', { class: 'button', id: 'download-bundle', 'data-testid': 'download-bundle', href: Routes.evidence(txHash, 'json'), download: `evidence-${txHex}.json` }, 'Download evidence bundle (JSON)'),
    h('a', { class: 'button', id: 'download-html', 'data-testid': 'download-html', href: Routes.evidence(txHash, 'html'), download: `evidence-${txHex}.html` }, 'Download self-verifying HTML'),
    verify,
    message);
}

async function openInVerifier(txHash, message) {
  message.textContent = 'Fetching the evidence bundle…';
  try {
    // The bundle route answers JSON; its bytes are kept exactly (the verifier checks those bytes).
    const bundle = await getBytes(Routes.evidence(txHash, 'json'));
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
