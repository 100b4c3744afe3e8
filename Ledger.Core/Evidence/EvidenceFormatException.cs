namespace Ledger.Core.Evidence;

/// <summary>An evidence bundle file that is not a well-formed bundle of a supported format version.</summary>
public sealed class EvidenceFormatException : Exception
{
    public EvidenceFormatException(string message)
        : base(message)
    {
    }

    public EvidenceFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
