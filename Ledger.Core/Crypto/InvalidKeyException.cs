namespace Ledger.Core.Crypto;

/// <summary>Key bytes that are not a valid key of the named suite (wrong length, point not on the curve, scalar out of range...).</summary>
public sealed class InvalidKeyException : LedgerCryptoException
{
    public InvalidKeyException(string suiteName, string reason, Exception? innerException = null)
        : base($"invalid {suiteName} key: {reason}", innerException)
    {
        SuiteName = suiteName;
    }

    public string SuiteName { get; }
}
