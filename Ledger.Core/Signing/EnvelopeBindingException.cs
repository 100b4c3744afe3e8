using Ledger.Core.Crypto;

namespace Ledger.Core.Signing;

/// <summary>An envelope that cannot be signed as asked: unparseable, or its fields name another chain, key or suite.</summary>
public sealed class EnvelopeBindingException : LedgerCryptoException
{
    public EnvelopeBindingException(EnvelopeBindingError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public EnvelopeBindingError Error { get; }
}
