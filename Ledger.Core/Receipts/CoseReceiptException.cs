namespace Ledger.Core.Receipts;

/// <summary>A COSE receipt that is malformed, unsupported, or does not verify.</summary>
public sealed class CoseReceiptException : Exception
{
    public CoseReceiptException(string message)
        : base(message)
    {
    }

    public CoseReceiptException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
