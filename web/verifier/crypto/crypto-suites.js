// Port of Ledger.Core/Crypto/CryptoSuites.cs: the supported suites, looked up by their exact names.
import { ed25519Suite, SuiteName as Ed25519SuiteName } from '#ledger/crypto/ed25519-suite.js';
import { p256Sha256Suite, SuiteName as P256SuiteName } from '#ledger/crypto/p256-sha256-suite.js';
import { sm2Sm3Suite, SuiteName as Sm2SuiteName } from '#ledger/crypto/sm2-sm3-suite.js';
import { UnknownSuiteException } from '#ledger/crypto/unknown-suite-exception.js';

export const P256Sha256 = p256Sha256Suite;
export const Ed25519 = ed25519Suite;
export const Sm2Sm3 = sm2Sm3Suite;

export const P256Sha256Name = P256SuiteName;
export const Ed25519Name = Ed25519SuiteName;
export const Sm2Sm3Name = Sm2SuiteName;

export const all = Object.freeze([P256Sha256, Ed25519, Sm2Sm3]);
export const names = Object.freeze([P256Sha256Name, Ed25519Name, Sm2Sm3Name]);

/** The suite with this exact (case-sensitive) name, or null. */
export function tryGet(name) {
  switch (name) {
    case P256Sha256Name:
      return P256Sha256;
    case Ed25519Name:
      return Ed25519;
    case Sm2Sm3Name:
      return Sm2Sm3;
    default:
      return null;
  }
}

/** The suite with this exact name; throws UnknownSuiteException. */
export function get(name) {
  const suite = tryGet(name);
  if (suite === null) {
    throw new UnknownSuiteException(name);
  }
  return suite;
}
