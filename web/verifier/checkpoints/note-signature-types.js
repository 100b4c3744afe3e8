// Port of Ledger.Core/Checkpoints/NoteSignatureTypes.cs: C2SP signed-note signature type bytes.
export const Ed25519 = 0x01;
export const Ed25519Cosignature = 0x04;
export const Rfc6962TreeHead = 0x05;
export const Extension = 0xff;
/** EXPERIMENTAL, Ledger's own: SM2 over the note text, as type 0xff followed by this identifier. */
export const Sm2Sm3Identifier = Uint8Array.from('ledger/sm2-sm3-note/v1', (c) => c.charCodeAt(0));
