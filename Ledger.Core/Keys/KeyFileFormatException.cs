using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>A key file or PEM block that cannot be read: bad JSON, missing field, bad base64/hex, unsupported version or algorithm.</summary>
public sealed class KeyFileFormatException : LedgerCryptoException
{
    public KeyFileFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
