// The SHA-256 of a file the reader picked or dropped, computed here: the file never leaves the
// browser. WebCrypto when the page has it (secure contexts: https or localhost), otherwise the
// vendored @noble/hashes, read in chunks so a large video does not need to fit in memory at once.

/** Files up to this size go to crypto.subtle.digest in one piece (it takes no stream). */
export const WholeFileBytesMax = 256 * 1024 * 1024;

/** Largest file hashed at all (a work's file; the registry indexes its hash, not its size). */
export const FileBytesMax = 8 * 1024 * 1024 * 1024;

/** Chunk read at a time by the incremental path. */
export const ChunkBytes = 8 * 1024 * 1024;

/**
 * @param {Blob} file
 * @param {(done: number, total: number) => void} [onProgress]
 * @returns {Promise<Uint8Array>} 32 bytes
 */
export async function sha256OfFile(file, onProgress) {
  if (file.size > FileBytesMax) {
    throw new RangeError(`The file is ${file.size.toLocaleString('en-US')} bytes; the explorer hashes files up to ${FileBytesMax.toLocaleString('en-US')} bytes.`);
  }
  if (globalThis.crypto?.subtle && file.size <= WholeFileBytesMax) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    onProgress?.(file.size, file.size);
    return new Uint8Array(digest);
  }
  const { sha256 } = await import('#vendor/noble-hashes.js');
  const hasher = sha256.create();
  for (let offset = 0; offset < file.size; offset += ChunkBytes) {
    const chunk = new Uint8Array(await file.slice(offset, offset + ChunkBytes).arrayBuffer());
    hasher.update(chunk);
    onProgress?.(Math.min(offset + ChunkBytes, file.size), file.size);
  }
  return hasher.digest();
}
