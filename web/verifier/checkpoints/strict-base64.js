// Port of Ledger.Core/Checkpoints/StrictBase64.cs: standard base64 read strictly (only the canonical
// encoding of the decoded bytes is accepted). Messages as in C#: "not valid base64" for what .NET's
// decoder refuses, "not the canonical base64 encoding" for what it accepts but would not write.
import { NoteFormatException } from '#ledger/checkpoints/note-format-exception.js';

const Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (Convert.ToBase64String). */
export function encode(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    text += Alphabet[a >> 2] + Alphabet[((a & 3) << 4) | (b >> 4)];
    text += i + 1 < bytes.length ? Alphabet[((b & 15) << 2) | (c >> 6)] : '=';
    text += i + 2 < bytes.length ? Alphabet[c & 63] : '=';
  }
  return text;
}

/** What .NET's Convert.TryFromBase64String accepts (it skips space, tab, CR and LF), decoded; null otherwise. */
function lenientDecode(text) {
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    return null;
  }
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((compact.length / 4) * 3 - padding);
  let out = 0;
  for (let i = 0; i < compact.length; i += 4) {
    const values = [0, 1, 2, 3].map((k) => (compact[i + k] === '=' ? 0 : Alphabet.indexOf(compact[i + k])));
    const triple = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
    for (const shift of [16, 8, 0]) {
      if (out < bytes.length) {
        bytes[out++] = (triple >> shift) & 0xff;
      }
    }
  }
  return bytes;
}

/** Decodes canonical base64 of at most decodedBytesMax bytes; throws NoteFormatException naming `what`. */
export function decode(text, decodedBytesMax, what) {
  if (text.length === 0 || text.length > Math.floor((decodedBytesMax + 2) / 3) * 4) {
    throw new NoteFormatException(`${what}: base64 is empty or longer than ${decodedBytesMax} bytes decode to`);
  }
  const decoded = lenientDecode(text);
  if (decoded === null) {
    throw new NoteFormatException(`${what}: not valid base64`);
  }
  if (encode(decoded) !== text) {
    throw new NoteFormatException(`${what}: not the canonical base64 encoding`);
  }
  return decoded;
}
