// A transaction's hash, for linking a block's transactions: the verifier's port of
// Ledger.Core/Signing/TransactionHashing.cs (fields 1 and 2 of SignedTransaction, never the detached
// items) under the suite's hash (CryptoSuites: SHA-256, or SM3 for sm2-sm3). Loaded on first use, so
// the latest-blocks page does not wait for the crypto modules.
import { fromBase64 } from '#explorer/format/bytes.js';

/**
 * @param {{ envelope?: string, signature?: string }} signed the JSON SignedTransaction (base64 fields)
 * @param {string} suite the suite named in its envelope (the chain's suite)
 * @returns {Promise<Uint8Array>}
 */
export async function transactionHash(signed, suite) {
  const [{ computeHash }, { tryGet }] = await Promise.all([
    import('#ledger/signing/transaction-hashing.js'),
    import('#ledger/crypto/crypto-suites.js'),
  ]);
  const cryptoSuite = tryGet(suite);
  if (cryptoSuite === null) {
    throw new Error(`the transaction names an unknown suite "${suite}"`);
  }
  return computeHash(cryptoSuite.hash, {
    envelope: fromBase64(signed?.envelope ?? '') ?? new Uint8Array(0),
    signature: fromBase64(signed?.signature ?? '') ?? new Uint8Array(0),
  });
}
