namespace Ledger.Client;

/// <summary>A node's answer failed client-side verification (proof, hash, signature or header shape).</summary>
public class ClientVerificationException : Exception
{
    /// <summary>The answer failed the check <paramref name="message"/> describes.</summary>
    public ClientVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>The answer failed the check <paramref name="message"/> describes, found through <paramref name="inner"/>.</summary>
    public ClientVerificationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
