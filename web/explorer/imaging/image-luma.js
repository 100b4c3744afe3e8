// Pixels of a PNG or JPEG file as 8-bit luma, decoded by the browser, the way the CLI's
// Ledger.Cli/Infrastructure/ImageHashing.cs prepares them: unpremultiplied RGBA, alpha composited
// over white with its integer formula, then BT.601 luma. EXIF orientation is not applied (the CLI
// hashes the stored pixels), and no colour-space conversion is done.
import { luma, PixelsMax } from '#explorer/imaging/perceptual-hash.js';

/** Formats the CLI hashes (others get no perceptual hash there either). */
export const HashableTypes = ['image/png', 'image/jpeg'];

/** @returns {Promise<{ luma: Uint8Array, width: number, height: number }>} */
export async function lumaOfImageFile(file) {
  if (!HashableTypes.includes(file.type)) {
    throw new TypeError(`${file.name || 'The file'} is ${file.type || 'of an unknown type'}; perceptual hashes are computed for PNG and JPEG images.`);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'none', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new TypeError(`${file.name || 'The file'} does not decode as an image.`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > PixelsMax) {
      throw new RangeError(`${width}×${height} pixels is more than the ${PixelsMax.toLocaleString('en-US')} a perceptual hash is computed for.`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, width, height).data;
    return { luma: lumaOfRgba(rgba, width * height), width, height };
  } finally {
    bitmap.close();
  }
}

/** Luma of `pixelCount` unpremultiplied RGBA pixels, transparent ones over white (ImageHashing.FromRgba). */
export function lumaOfRgba(rgba, pixelCount) {
  const out = new Uint8Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) {
    const at = i * 4;
    const alpha = rgba[at + 3];
    out[i] = luma(overWhite(rgba[at], alpha), overWhite(rgba[at + 1], alpha), overWhite(rgba[at + 2], alpha));
  }
  return out;
}

function overWhite(channel, alpha) {
  return Math.floor(((channel * alpha) + (255 * (255 - alpha)) + 127) / 255);
}
