// The items of a BatchRegister (ledger.v1.BatchItems, carried in SignedTransaction.detached_items),
// decoded for display: content hash, the registrant's item id and the optional perceptual hash.
import { readFields, bytes, text, last } from '#explorer/chain/wire-reader.js';
import { fromBase64, toHex } from '#explorer/format/bytes.js';

/** @returns {Array<{ index: number, contentSha256Hex: string, itemId: string, perceptualHashHex: string }> | null} */
export function batchItems(signed) {
  const detached = fromBase64(signed?.detachedItems ?? '');
  const fields = detached ? readFields(detached) : null;
  if (!fields) {
    return null;
  }
  return (fields.get(1) ?? []).map((encoded, index) => {
    const item = encoded instanceof Uint8Array ? readFields(encoded) : null;
    const perceptual = last(item, 3);
    return {
      index,
      contentSha256Hex: toHex(bytes(item, 1)),
      itemId: text(item, 2),
      perceptualHashHex: typeof perceptual === 'bigint' ? perceptual.toString(16).padStart(16, '0') : '',
    };
  });
}
