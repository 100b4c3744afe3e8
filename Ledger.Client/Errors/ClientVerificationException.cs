namespace Ledger.Client;

/// <summary>A node's answer failed client-side verification (proof, hash, signature or header shape).</summary>
public class ClientVerificationException : Exception
{
    public ClientVerificationException(string message)
        : base(message)
    {
    }

    public ClientVerificationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
