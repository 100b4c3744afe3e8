// Port of Ledger.Core/Consortium/WitnessRole.cs: a checkpoint witness is a member whose keys
// cosign checkpoints (C2SP cosignature/v1, Ed25519 only) and sign nothing else.
import { Ed25519Name } from '#ledger/crypto/crypto-suites.js';

export const WitnessRole = Object.freeze({
  Name: 'witness',
  KeySuite: Ed25519Name,
  acceptsKeySuite: (suite) => suite === Ed25519Name,
});
