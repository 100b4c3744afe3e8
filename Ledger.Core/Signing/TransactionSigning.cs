using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Core.Signing;

/// <summary>
/// Member signatures over transaction envelopes. The signature covers
/// <see cref="SigningInput"/>(<see cref="SigningContexts.TransactionSignature"/>, chain id, envelope bytes),
/// as documented in transaction.proto. The envelope is serialized once by the submitter and those
/// exact bytes travel in <see cref="SignedTransaction.Envelope"/>; nobody re-serializes it.
/// </summary>
public static class TransactionSigning
{
    /// <summary>
    /// Signs serialized envelope bytes for <paramref name="chainId"/>. The envelope must parse and
    /// name this chain, the signer's key id and suite (else <see cref="EnvelopeBindingException"/>),
    /// so a client cannot produce a transaction every node will reject.
    /// </summary>
    public static SignedTransaction Sign(KeyPair signer, ReadOnlySpan<byte> envelopeBytes, string chainId)
    {
        ArgumentNullException.ThrowIfNull(signer);
        TransactionEnvelope envelope;
        try
        {
            envelope = TransactionEnvelope.Parser.ParseFrom(envelopeBytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new EnvelopeBindingException(EnvelopeBindingError.NotAnEnvelope, "envelope bytes are not a TransactionEnvelope", exception);
        }

        var error = CheckBinding(envelope, signer.Public, chainId);
        if (error != EnvelopeBindingError.None)
        {
            throw new EnvelopeBindingException(error, $"cannot sign envelope: {error} (envelope chain '{envelope.ChainId}', suite '{envelope.Suite}'; signing for chain '{chainId}' with {signer})");
        }

        return new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(envelopeBytes),
            Signature = ByteString.CopyFrom(SigningInput.Sign(signer, SigningContexts.TransactionSignature, chainId, envelopeBytes)),
        };
    }

    /// <summary>Serializes <paramref name="envelope"/> once and signs it for the envelope's own chain id.</summary>
    public static SignedTransaction Sign(KeyPair signer, TransactionEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Sign(signer, envelope.ToByteArray(), envelope.ChainId);
    }

    /// <summary>
    /// Checks only the signature of <paramref name="transaction"/> under <paramref name="signerKey"/> for
    /// the verifier's own <paramref name="chainId"/>; the caller resolves the key from the envelope's
    /// signer_key_id and checks the rest (<see cref="CheckBinding"/>). Never throws on malformed signatures.
    /// </summary>
    public static bool Verify(PublicKey signerKey, SignedTransaction transaction, string chainId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return Verify(signerKey, transaction.Envelope.Span, transaction.Signature.Span, chainId);
    }

    public static bool Verify(PublicKey signerKey, ReadOnlySpan<byte> envelopeBytes, ReadOnlySpan<byte> signature, string chainId) =>
        SigningInput.Verify(signerKey, SigningContexts.TransactionSignature, chainId, envelopeBytes, signature);

    /// <summary>Whether the envelope names <paramref name="chainId"/>, <paramref name="signerKey"/>'s key id and its suite; the first disagreement found.</summary>
    public static EnvelopeBindingError CheckBinding(TransactionEnvelope envelope, PublicKey signerKey, string chainId)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(signerKey);
        ArgumentNullException.ThrowIfNull(chainId);
        if (!string.Equals(envelope.ChainId, chainId, StringComparison.Ordinal))
        {
            return EnvelopeBindingError.ChainIdMismatch;
        }

        if (!signerKey.KeyId.Matches(envelope.SignerKeyId.Span))
        {
            return EnvelopeBindingError.SignerKeyIdMismatch;
        }

        return string.Equals(envelope.Suite, signerKey.Suite.Name, StringComparison.Ordinal)
            ? EnvelopeBindingError.None
            : EnvelopeBindingError.SuiteMismatch;
    }
}
