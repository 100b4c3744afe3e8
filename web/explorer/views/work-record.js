// A registered work (ledger.v1.WorkRecord JSON) as a card; used by the work, content and
// similar-works views.
import { h, facts } from '#explorer/dom/element.js';
import { timeElement, hashField, hashText, holderWords, positionWords, enumWords } from '#explorer/format/display.js';
import { base64ToHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';
import { evidenceActions } from '#explorer/views/evidence-actions.js';

export function workCard(work, { withActions = true, headingLevel = 'h3' } = {}) {
  const workHex = base64ToHex(work.workId);
  const txHex = base64ToHex(work.registeredTxHash);
  const sha256Hex = base64ToHex(work.contentHash?.sha256);
  const perceptual = work.perceptualHash !== undefined ? BigInt(work.perceptualHash).toString(16).padStart(16, '0') : '';
  return h('section', { class: 'card work', 'data-testid': 'work', 'data-work-id': workHex, 'aria-label': `Work ${work.title || work.itemId || workHex}` },
    h(headingLevel, {}, work.title || (work.itemId ? `Item ${work.itemId}` : 'Untitled work')),
    facts([
      ['Work id', hashText(workHex, Links.work(workHex))],
      ['Media', enumWords(work.mediaType, 'MEDIA_TYPE_')],
      ['Content SHA-256', hashText(sha256Hex, Links.content(sha256Hex))],
      ['Content SM3', hashField(work.contentHash?.sm3)],
      ['Perceptual hash', perceptual ? h('code', {}, perceptual) : null],
      ['Holder', holderWords(work.rightsHolder)],
      ['Registered holder', work.registeredHolder ? holderWords(work.registeredHolder) : null],
      ['Steward', work.stewardMemberId],
      ['Registrant', work.registrantMemberId],
      ['Registered in', h('a', { href: Links.transaction(txHex), 'data-testid': 'work-registration' }, positionWords(work.registeredAt))],
      ['Registered at (block time, UTC)', timeElement(work.registeredTimestampUnixMs)],
      ['Creation claimed by the registrant', timeElement(work.claimedCreationUnixMs)],
      ['Batch item', work.itemId ? `${work.itemId} (item ${work.itemIndex ?? 0})` : (work.itemIndex ? `item ${work.itemIndex}` : null)],
      ...(work.metadata ?? []).map((entry) => [entry.key, entry.value]),
    ]),
    withActions && txHex ? evidenceActions(txHex, batchItemIndex(work)) : '');
}

/** The item index of a batch item (its evidence names the item); undefined for a single registration. */
function batchItemIndex(work) {
  const index = Number(work.itemIndex ?? 0);
  return work.itemId || index > 0 ? index : undefined;
}
