namespace Ledger.Core.Signing;

/// <summary>
/// The domain-separation labels that start every signing input, one per kind of signed object, so a
/// signature made for one purpose can never be replayed as another. Printable ASCII, versioned.
/// </summary>
public static class SigningContexts
{
    /// <summary>Member signatures over a transaction envelope.</summary>
    public static ReadOnlySpan<byte> TransactionSignature => "ledger/v1/tx-signature"u8;

    /// <summary>Node signatures over a block hash (attestations).</summary>
    public static ReadOnlySpan<byte> BlockAttestation => "ledger/v1/block-attestation"u8;
}
