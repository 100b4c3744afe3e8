using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>A well-formed key file whose fields contradict each other (public key or key id not derived from the private key).</summary>
public sealed class KeyFileMismatchException : LedgerCryptoException
{
    public KeyFileMismatchException(string message)
        : base(message)
    {
    }
}
