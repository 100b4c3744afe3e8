namespace Ledger.Client;

/// <summary>No endpoint answered within the retry budget.</summary>
public sealed class LedgerUnavailableException : Exception
{
    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    public LedgerUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
