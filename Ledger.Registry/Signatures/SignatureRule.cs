using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Signatures;

/// <summary>
/// The rule every node applies to every transaction once its signer key is found: the signature
/// must verify, under the public key the state records for <c>signer_key_id</c> at that height,
/// over the signing input built from this chain's id and the envelope bytes exactly as committed
/// (<see cref="TransactionSigning.Verify(PublicKey, ReadOnlySpan{byte}, ReadOnlySpan{byte}, string)"/>).
/// A transaction that fails is rejected before anything else about it counts: it consumes no
/// nonce, so a transaction nobody signed cannot burn a member's nonce either.
/// <para>
/// A <see cref="SignatureVerdict"/> computed ahead of apply for the same key and chain is taken as
/// is (it is exact); without one the signature is checked here. Decoded public keys are cached
/// (decoding validates the point, which costs about as much as a verification); a cache is only a
/// faster way to the same answer, so the rule stays deterministic. Not thread-safe: the applier
/// applies one block at a time.
/// </para>
/// </summary>
internal sealed class SignatureRule
{
    /// <summary>Decoded public keys kept; beyond this the cache is emptied (active signers are few in practice).</summary>
    public const int DecodedKeysMax = 4_096;

    private readonly Dictionary<ByteString, PublicKey> decodedKeys = [];

    /// <summary>Signatures this rule verified itself (no usable verdict came with the transaction).</summary>
    public long InlineChecks { get; private set; }

    /// <returns>Null when the signature is valid; otherwise the rejection to record.</returns>
    public TransactionOutcome? Check(RegistryTransaction transaction, KeyRecord key, string chainId)
    {
        if (transaction.PrecomputedSignature is { } verdict && verdict.AppliesTo(chainId, key.PublicKey.Span))
        {
            return verdict.IsValid ? null : Invalid(key);
        }

        if (transaction.Signed is not { } signed || signed.Signature.IsEmpty)
        {
            return TransactionOutcome.Rejected(RejectionReason.BadSignature, "the transaction carries no signature");
        }

        if (!TryDecode(key, out var publicKey))
        {
            return TransactionOutcome.Rejected(RejectionReason.BadSignature, $"key {Convert.ToHexStringLower(key.KeyId.Span)} is not a valid public key of its suite");
        }

        InlineChecks++;
        return TransactionSigning.Verify(publicKey, signed.Envelope.Span, signed.Signature.Span, chainId) ? null : Invalid(key);
    }

    private static TransactionOutcome Invalid(KeyRecord key) =>
        TransactionOutcome.Rejected(RejectionReason.BadSignature, $"signature does not verify under key {Convert.ToHexStringLower(key.KeyId.Span)}");

    private bool TryDecode(KeyRecord key, out PublicKey publicKey)
    {
        if (decodedKeys.TryGetValue(key.KeyId, out var cached) && cached.Encoded.SequenceEqual(key.PublicKey.Span))
        {
            publicKey = cached;
            return true;
        }

        if (!CryptoSuites.TryGet(key.Suite, out var suite) || !suite.TryDecodePublicKey(key.PublicKey.Span, out var decoded))
        {
            publicKey = null!;
            return false;
        }

        if (decodedKeys.Count >= DecodedKeysMax)
        {
            decodedKeys.Clear();
        }

        decodedKeys[key.KeyId] = decoded;
        publicKey = decoded;
        return true;
    }
}
