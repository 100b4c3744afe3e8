// Port of Ledger.Core/Signing/TransactionSigning.cs (verification): member signatures over the
// envelope bytes exactly as transmitted, for the verifier's own chain id.
import { TransactionSignature } from '#ledger/signing/signing-contexts.js';
import { verify as verifySigningInput } from '#ledger/signing/signing-input.js';

/** Port of EnvelopeBindingError (names are the C# member names). */
export const EnvelopeBindingError = Object.freeze({
  None: 'None',
  NotAnEnvelope: 'NotAnEnvelope',
  ChainIdMismatch: 'ChainIdMismatch',
  SignerKeyIdMismatch: 'SignerKeyIdMismatch',
  SuiteMismatch: 'SuiteMismatch',
});

/** Checks only the signature of transaction ({ envelope, signature }) under signerKey for chainId. Never throws on malformed signatures. */
export function verify(signerKey, transaction, chainId) {
  return verifyEnvelope(signerKey, transaction.envelope, transaction.signature, chainId);
}

export function verifyEnvelope(signerKey, envelopeBytes, signature, chainId) {
  return verifySigningInput(signerKey, TransactionSignature, chainId, envelopeBytes, signature);
}

/** Whether a decoded envelope names chainId, signerKey's key id and its suite; the first disagreement found. */
export function checkBinding(envelope, signerKey, chainId) {
  if (envelope.chainId !== chainId) {
    return EnvelopeBindingError.ChainIdMismatch;
  }
  if (!signerKey.keyIdMatches(envelope.signerKeyId)) {
    return EnvelopeBindingError.SignerKeyIdMismatch;
  }
  return envelope.suite === signerKey.suite.name ? EnvelopeBindingError.None : EnvelopeBindingError.SuiteMismatch;
}
