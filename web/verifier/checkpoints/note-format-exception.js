// Port of Ledger.Core/Checkpoints/NoteFormatException.cs: the one exception the note parsers throw on outside input.
export class NoteFormatException extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'NoteFormatException';
  }
}
