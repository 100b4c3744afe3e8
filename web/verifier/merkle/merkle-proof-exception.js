// Port of Ledger.Core/Merkle/MerkleProofException.cs (one class; reason names the cause).
export class MerkleProofException extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'MerkleProofException';
    this.reason = reason;
  }
}
