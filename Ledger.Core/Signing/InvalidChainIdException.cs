using Ledger.Core.Crypto;

namespace Ledger.Core.Signing;

/// <summary>A chain id that is empty, too long, or not well-formed Unicode.</summary>
public sealed class InvalidChainIdException : LedgerCryptoException
{
    public InvalidChainIdException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
