// The bundle file is not a well-formed evidence bundle (the CLI exits 6): port of EvidenceFormatException.
export class EvidenceFormatException extends Error {
  constructor(message) {
    super(message);
    this.name = 'EvidenceFormatException';
  }
}
