namespace Ledger.Registry.Signatures;

/// <summary>
/// The outcome of checking a transaction's signature ahead of apply (at the door, or by a follower
/// while the entry is persisted), handed to the rules with the transaction so apply need not check
/// again. It is exact, not a hint: whether a signature is valid is a pure function of the public
/// key, the envelope bytes, the signature and the chain id, and a key id names exactly one public
/// key (it is derived from it, <see cref="RegistryOptions.DeriveKeyId"/>). The rules use a verdict
/// only when it was computed for this chain and for the very public key the state's record of the
/// signer key holds at that height; otherwise they verify inline.
/// <para>
/// The host must attach a verdict only to the bytes it was computed over (e.g. by matching the
/// transaction hash, which covers envelope and signature); nothing in a committed entry may claim
/// a verdict for itself.
/// </para>
/// </summary>
public sealed class SignatureVerdict
{
    public SignatureVerdict(string chainId, ReadOnlyMemory<byte> publicKey, bool isValid)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        ChainId = chainId;
        PublicKey = publicKey;
        IsValid = isValid;
    }

    /// <summary>The chain id the signing input was built with.</summary>
    public string ChainId { get; }

    /// <summary>The encoded public key the signature was checked against.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    public bool IsValid { get; }

    /// <summary>Whether this verdict answers for a signature under <paramref name="publicKey"/> on <paramref name="chainId"/>.</summary>
    public bool AppliesTo(string chainId, ReadOnlySpan<byte> publicKey) =>
        string.Equals(ChainId, chainId, StringComparison.Ordinal) && PublicKey.Span.SequenceEqual(publicKey);
}
