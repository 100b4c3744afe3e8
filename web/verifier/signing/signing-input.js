// Port of Ledger.Core/Signing/SigningInput.cs: context || 0x00 || uint16 BE chain id length || chain id || payload.
import { concatBytes, utf8EncodeStrict } from '#ledger/bytes/bytes.js';
import { validate as validateChainId } from '#ledger/signing/chain-id-rules.js';

export const ContextBytesMax = 64;

function validateContext(context) {
  if (context.length === 0 || context.length > ContextBytesMax) {
    throw new RangeError(`a signing context is 1..${ContextBytesMax} bytes, was ${context.length}`);
  }
  for (const value of context) {
    if (value < 0x21 || value > 0x7e) {
      throw new RangeError(`a signing context is printable ASCII without spaces; found byte 0x${value.toString(16).padStart(2, '0')}`);
    }
  }
}

export function getLength(context, chainId, payloadLength) {
  validateContext(context);
  return context.length + 1 + 2 + validateChainId(chainId) + payloadLength;
}

/** The signing input; throws InvalidChainIdException for a bad chain id, RangeError for a bad context. */
export function create(context, chainId, payload) {
  validateContext(context);
  validateChainId(chainId);
  const chainIdBytes = utf8EncodeStrict(chainId);
  const length = Uint8Array.of(chainIdBytes.length >> 8, chainIdBytes.length & 0xff);
  return concatBytes(context, Uint8Array.of(0x00), length, chainIdBytes, payload);
}

/**
 * Verifies a signature over the signing input built from the parts. False for any malformed
 * signature; throws only for an invalid context or chain id (the verifier's own configuration).
 */
export function verify(signerKey, context, chainId, payload, signature) {
  if (!signerKey) {
    throw new TypeError('signerKey is required');
  }
  return signerKey.verify(create(context, chainId, payload), signature);
}
