namespace Ledger.Core.Checkpoints;

/// <summary>
/// A signed note, checkpoint, cosignature or fork report is malformed. The one exception the
/// parsers throw on outside input; the message names the rule that failed and never echoes more
/// than a bounded excerpt of the input.
/// </summary>
public sealed class NoteFormatException : Exception
{
    public NoteFormatException(string message)
        : base(message)
    {
    }

    public NoteFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
