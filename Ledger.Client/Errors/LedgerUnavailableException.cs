namespace Ledger.Client;

/// <summary>No endpoint answered within the retry budget.</summary>
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>No node answered; <paramref name="message"/> says what was tried.</summary>
    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>No node answered; <paramref name="message"/> says what was tried and <paramref name="inner"/> is the last error.</summary>
    public LedgerUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
