// Port of Ledger.Core/Signing/SigningContexts.cs: domain-separation labels, one per kind of signed object.
const ascii = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Member signatures over a transaction envelope. */
export const TransactionSignature = ascii('ledger/v1/tx-signature');

/** Node signatures over a block hash (attestations). */
export const BlockAttestation = ascii('ledger/v1/block-attestation');
