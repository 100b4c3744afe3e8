// One transaction: what it says (decoded envelope), its result, where it sits (block, position,
// leaf in the global log) and its receipt's inclusion proof; the evidence buttons.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { describeTransaction } from '#explorer/chain/transaction-view-model.js';
import { h, replaceChildren, facts } from '#explorer/dom/element.js';
import { loading, failure } from '#explorer/dom/view-states.js';
import { timeElement, hashField, hashText, count, enumWords } from '#explorer/format/display.js';
import { fromHex } from '#explorer/format/bytes.js';
import { Links, workIdOfRegistration } from '#explorer/routing/links.js';
import { evidenceActions } from '#explorer/views/evidence-actions.js';
import { batchItemsSection } from '#explorer/views/batch-items.js';

export const transactionView = {
  name: 'transaction',
  title: () => 'Transaction',
  async render(body, { txHex }, signal) {
    const txHash = fromHex(txHex);
    if (!txHash || txHash.length !== 32) {
      replaceChildren(body, failure('the transaction', { name: 'ApiError', message: 'A transaction hash is 64 hex digits.' }));
      return;
    }
    replaceChildren(body, loading('the transaction'));
    let answer;
    try {
      answer = await getJson(Routes.transaction(txHash), signal);
    } catch (error) {
      if (!signal.aborted) {
        replaceChildren(body, failure('the transaction', error));
      }
      return;
    }
    replaceChildren(body, ...transactionSections(txHex, answer));
  },
};

/** The sections describing a GetTransactionResponse (also used by the lookup view). */
export function transactionSections(txHex, answer) {
  const described = describeTransaction(answer.transaction);
  const result = answer.result ?? {};
  const ok = result.code === 'RESULT_CODE_OK';
  const height = answer.blockHeight ?? '0';
  const registration = described?.registration;
  const receipt = answer.receipt;
  const proof = receipt?.logInclusion;
  return [
    h('p', { class: 'lead' }, h('code', { class: 'hash', 'data-testid': 'transaction-hash' }, txHex)),
    h('section', { class: 'card', 'aria-labelledby': 'result-heading', 'data-testid': 'transaction-result' },
      h('h3', { id: 'result-heading' }, 'Result'),
      facts([
        ['Outcome', h('span', { class: ok ? 'badge badge-ok' : 'badge badge-bad', 'data-testid': 'result-code', 'data-result': ok ? 'accepted' : 'rejected' },
          ok ? 'accepted' : enumWords(result.code, 'RESULT_CODE_'))],
        ['Reason', result.reason],
        ['Earlier registration', result.referenceTxHash ? hashField(result.referenceTxHash, Links.transaction) : null],
        ['Block', h('a', { href: Links.block(height), 'data-testid': 'transaction-block' }, `block ${count(height)}`)],
        ['Position in block', String(answer.position ?? 0)],
        ['Read as of height', count(answer.asOfHeight ?? height)],
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'envelope-heading', 'data-testid': 'transaction-envelope' },
      h('h3', { id: 'envelope-heading' }, 'What was signed'),
      described
        ? facts([
          ['Type', described.type],
          ['Chain', described.chainId],
          ['Signer key id', hashText(described.signerKeyIdHex)],
          ['Suite', described.suite],
          ['Nonce', described.nonce],
          ['Submitter\'s clock (informative)', timeElement(described.createdUnixMs)],
          ['Title', registration?.title],
          ['Media', registration?.mediaType],
          ['Content SHA-256', registration?.contentSha256Hex ? hashText(registration.contentSha256Hex, Links.content(registration.contentSha256Hex)) : null],
          ['Content SM3', registration?.contentSm3Hex ? hashText(registration.contentSm3Hex) : null],
          ['Perceptual hash', registration?.perceptualHashHex ? h('code', {}, registration.perceptualHashHex) : null],
          ['Items in the batch', registration?.itemCount !== undefined ? count(registration.itemCount) : null],
          ['Work', described.typeNumber === 1 && ok ? h('a', { href: Links.work(workIdOfRegistration(txHex)), 'data-testid': 'transaction-work' }, 'the registered work and its history') : null],
        ])
        : h('p', {}, 'The envelope does not decode as a ledger.v1.TransactionEnvelope.')),
    h('section', { class: 'card', 'aria-labelledby': 'receipt-heading', 'data-testid': 'transaction-receipt' },
      h('h3', { id: 'receipt-heading' }, 'Receipt'),
      receipt
        ? facts([
          ['Leaf in the global log', proof ? `${count(proof.leafIndex ?? 0)} of ${count(proof.treeSize ?? 0)}` : null],
          ['Inclusion proof', proof ? `${(proof.path ?? []).length} hashes up to the log root of block ${count(receipt.header?.height ?? height)}` : null],
          ['Log root', hashField(receipt.header?.logRoot)],
        ])
        : h('p', {}, 'The node returned no receipt.'),
      h('p', {}, 'The evidence bundle carries this receipt with the certified header and the consortium\'s genesis, so it verifies offline:'),
      evidenceActions(txHex)),
    described?.typeNumber === 2 ? batchItemsSection(txHex, answer.transaction, ok) : '',
  ];
}
