namespace Ledger.Core.Crypto;

/// <summary>Base type of every key, suite and key-file error raised by Ledger.Core's crypto layer.</summary>
public class LedgerCryptoException : Exception
{
    public LedgerCryptoException(string message)
        : base(message)
    {
    }

    public LedgerCryptoException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
