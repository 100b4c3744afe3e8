// Port of Ledger.Core/Evidence/BatchItemLeaf.cs: canonical bytes of a BatchRegister item, the leaf
// input of the batch's RFC 9162 tree: 0x01 || content_sha256 (32) || uint16 BE len(item_id UTF-8)
// || item_id || 0x00 (no perceptual hash) | 0x01 || uint64 BE perceptual_hash.
export const FormatVersion = 0x01;
export const ContentHashBytes = 32;
export const ItemIdBytesMax = 256;

export class ArgumentException extends Error {
  constructor(message, paramName) {
    super(paramName ? `${message} (Parameter '${paramName}')` : message);
    this.name = 'ArgumentException';
  }
}

/** item: {contentSha256, itemId, perceptualHash: BigInt | null}. */
export function encode(item) {
  if (item.contentSha256.length !== ContentHashBytes) {
    throw new ArgumentException(`content_sha256 must be ${ContentHashBytes} bytes, was ${item.contentSha256.length}`, 'item');
  }
  const itemId = new TextEncoder().encode(item.itemId);
  if (itemId.length > 0xffff) {
    throw new ArgumentException(`item_id is ${itemId.length} bytes, more than fits the encoding`, 'item');
  }
  const hasPerceptual = item.perceptualHash !== null && item.perceptualHash !== undefined;
  const bytes = new Uint8Array(1 + ContentHashBytes + 2 + itemId.length + 1 + (hasPerceptual ? 8 : 0));
  let offset = 0;
  bytes[offset++] = FormatVersion;
  bytes.set(item.contentSha256, offset);
  offset += ContentHashBytes;
  bytes[offset++] = itemId.length >> 8;
  bytes[offset++] = itemId.length & 255;
  bytes.set(itemId, offset);
  offset += itemId.length;
  if (hasPerceptual) {
    bytes[offset++] = 0x01;
    for (let i = 7; i >= 0; i--) {
      bytes[offset++] = Number((item.perceptualHash >> BigInt(8 * i)) & 255n);
    }
  } else {
    bytes[offset] = 0x00;
  }
  return bytes;
}
