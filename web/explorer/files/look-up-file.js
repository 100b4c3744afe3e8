// A file the reader gave us: hash it here (never uploaded) and show its registration.
import { sha256OfFile } from '#explorer/files/content-digest.js';
import { rememberDroppedFile } from '#explorer/files/last-dropped-file.js';
import { toHex } from '#explorer/format/bytes.js';
import { Links } from '#explorer/routing/links.js';

/** Hashes `file`, reporting progress in the page's file status line, then opens the content view. */
export async function lookUpFile(file) {
  const status = document.getElementById('file-status');
  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };
  say(`Hashing ${file.name} in this browser…`);
  try {
    const digest = await sha256OfFile(file, (done, total) => {
      if (total > 0 && done < total) {
        say(`Hashing ${file.name} in this browser… ${Math.floor((done / total) * 100)} %`);
      }
    });
    const hex = toHex(digest);
    rememberDroppedFile(hex, file);
    say(`${file.name}: SHA-256 ${hex}. Looking it up…`);
    location.hash = Links.content(hex);
    say('');
  } catch (error) {
    say(`Could not hash ${file.name}: ${error.message}`);
  }
}
