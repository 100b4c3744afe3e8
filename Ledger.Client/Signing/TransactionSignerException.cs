namespace Ledger.Client.Signing;

/// <summary>
/// An <see cref="ITransactionSigner"/> misbehaved: it returned no signature, one of the wrong size, or
/// one that does not verify under its own public key (a wrong key, a DER or high-s ECDSA encoding).
/// The transaction was not built, so nothing was submitted.
/// </summary>
public sealed class TransactionSignerException : Exception
{
    /// <summary>Creates the exception with a message naming the signer and what was wrong.</summary>
    public TransactionSignerException(string message)
        : base(message)
    {
    }
}
