namespace Ledger.Client;

/// <summary>A newer header is not an extension of the last trusted one: the log was rewritten (or the node lies).</summary>
public sealed class ForkDetectedException : ClientVerificationException
{
    public ForkDetectedException(string message)
        : base(message)
    {
    }

    public ForkDetectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
