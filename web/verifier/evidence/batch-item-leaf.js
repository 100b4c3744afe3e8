// Port of Ledger.Core/Evidence/BatchItemLeaf.cs: canonical bytes of a BatchRegister item, the leaf
// input of the batch's RFC 9162 tree.
// Format 1 (no SM3): 0x01 || content_sha256 (32) || uint16 BE len(item_id UTF-8) || item_id || phash.
// Format 2 (with SM3): 0x02 || hashes (bit 0 SHA-256, bit 1 SM3) || content_sha256 (32, if bit 0)
// || content_sm3 (32) || uint16 BE len(item_id UTF-8) || item_id || phash.
// phash = 0x00 (no perceptual hash) | 0x01 || uint64 BE perceptual_hash.
export const FormatVersion = 0x01;
export const FormatVersionWithSm3 = 0x02;
export const ContentHashBytes = 32;
export const ItemIdBytesMax = 256;

export class ArgumentException extends Error {
  constructor(message, paramName) {
    super(paramName ? `${message} (Parameter '${paramName}')` : message);
    this.name = 'ArgumentException';
  }
}

/** item: {contentSha256, contentSm3?, itemId, perceptualHash: BigInt | null}. */
export function encode(item) {
  const sm3 = item.contentSm3 ?? new Uint8Array(0);
  const hasSm3 = sm3.length !== 0;
  const hasSha256 = item.contentSha256.length !== 0;
  if (hasSm3 && sm3.length !== ContentHashBytes) {
    throw new ArgumentException(`content_sm3 must be ${ContentHashBytes} bytes, was ${sm3.length}`, 'item');
  }
  if ((hasSha256 || !hasSm3) && item.contentSha256.length !== ContentHashBytes) {
    throw new ArgumentException(`content_sha256 must be ${ContentHashBytes} bytes, was ${item.contentSha256.length}`, 'item');
  }
  const itemId = new TextEncoder().encode(item.itemId);
  if (itemId.length > 0xffff) {
    throw new ArgumentException(`item_id is ${itemId.length} bytes, more than fits the encoding`, 'item');
  }
  const hasPerceptual = item.perceptualHash !== null && item.perceptualHash !== undefined;
  const hashesBytes = hasSm3 ? 1 + (hasSha256 ? 2 : 1) * ContentHashBytes : ContentHashBytes;
  const bytes = new Uint8Array(1 + hashesBytes + 2 + itemId.length + 1 + (hasPerceptual ? 8 : 0));
  let offset = 0;
  if (hasSm3) {
    bytes[offset++] = FormatVersionWithSm3;
    bytes[offset++] = 0x02 | (hasSha256 ? 0x01 : 0x00);
    if (hasSha256) {
      bytes.set(item.contentSha256, offset);
      offset += ContentHashBytes;
    }
    bytes.set(sm3, offset);
    offset += ContentHashBytes;
  } else {
    bytes[offset++] = FormatVersion;
    bytes.set(item.contentSha256, offset);
    offset += ContentHashBytes;
  }
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
