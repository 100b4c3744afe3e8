// Port of Ledger.Core/Checkpoints/CheckpointOrigin.cs: the origin line "ledger/<chain id>", also the key name of node signatures.
export const Prefix = 'ledger/';

/** Same rule as ConsortiumGenesis.IsValidIdentifier: 1-64 characters of [A-Za-z0-9._:-]. */
const IdentifierPattern = /^[A-Za-z0-9._:-]{1,64}$/;

export function originFor(chainId) {
  if (typeof chainId !== 'string' || !IdentifierPattern.test(chainId)) {
    throw new RangeError(`'${chainId}' is not a valid chain id`);
  }
  return Prefix + chainId;
}
