namespace Ledger.Client;

/// <summary>A newer header is not an extension of the last trusted one: the log was rewritten (or the node lies).</summary>
public sealed class ForkDetectedException : ClientVerificationException
{
    /// <summary>A fork, described by <paramref name="message"/>.</summary>
    public ForkDetectedException(string message)
        : base(message)
    {
    }

    /// <summary>A fork, described by <paramref name="message"/>, found through <paramref name="inner"/>.</summary>
    public ForkDetectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
