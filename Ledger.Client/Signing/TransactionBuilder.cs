using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Signing;

/// <summary>
/// Builds and signs transaction envelopes for one signer on one chain. Nonces are random 63-bit
/// values (uniqueness per signer is what the ledger requires); a re-sent signed transaction keeps
/// its nonce and hash, which is what makes retries safe.
/// </summary>
/// <remarks>
/// Every envelope is signed through an <see cref="ITransactionSigner"/>: built from a
/// <see cref="KeyPair"/>, the builder signs with a <see cref="KeyPairSigner"/> and offers both the
/// synchronous methods (<see cref="Build(TransactionType, ByteString)"/>, <see cref="RegisterWork"/>, ...)
/// and the asynchronous ones; built from any other signer (an HSM, a KMS, a signing service), only the
/// asynchronous methods (<see cref="BuildAsync(TransactionType, ByteString, CancellationToken)"/>,
/// <see cref="RegisterWorkAsync"/>, ...) sign, and each signature is verified against the signer's
/// public key before the transaction is returned.
/// </remarks>
public sealed class TransactionBuilder
{
    private readonly ITransactionSigner signer;
    private readonly KeyPairSigner? keyPairSigner;
    private readonly string chainId;
    private readonly TimeProvider timeProvider;
    private readonly Func<ulong> nonceSource;

    /// <summary>A builder that signs with <paramref name="signer"/>, held in this process.</summary>
    /// <param name="signer">The member's key pair.</param>
    /// <param name="chainId">The chain every envelope names (the consortium's chain id).</param>
    /// <param name="timeProvider">The clock for the envelopes' informative created_unix_ms; the system clock by default.</param>
    /// <param name="nonceSource">Nonces; random 63-bit values by default. Must never repeat for one signer.</param>
    public TransactionBuilder(KeyPair signer, string chainId, TimeProvider? timeProvider = null, Func<ulong>? nonceSource = null)
        : this(new KeyPairSigner(signer ?? throw new ArgumentNullException(nameof(signer))), chainId, timeProvider, nonceSource)
    {
    }

    /// <summary>A builder that signs through <paramref name="signer"/>, which keeps its private key to itself.</summary>
    /// <param name="signer">The member's signer (a <see cref="KeyPairSigner"/>, an HSM or KMS adapter, ...).</param>
    /// <param name="chainId">The chain every envelope names (the consortium's chain id).</param>
    /// <param name="timeProvider">The clock for the envelopes' informative created_unix_ms; the system clock by default.</param>
    /// <param name="nonceSource">Nonces; random 63-bit values by default. Must never repeat for one signer.</param>
    /// <exception cref="ArgumentException">The signer's <see cref="ITransactionSigner.Suite"/> is not its public key's suite.</exception>
    public TransactionBuilder(ITransactionSigner signer, string chainId, TimeProvider? timeProvider = null, Func<ulong>? nonceSource = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentNullException.ThrowIfNull(signer.PublicKey, nameof(signer) + "." + nameof(signer.PublicKey));
        ArgumentNullException.ThrowIfNull(signer.Suite, nameof(signer) + "." + nameof(signer.Suite));
        if (!string.Equals(signer.Suite.Name, signer.PublicKey.Suite.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the signer's suite is {signer.Suite.Name} but its public key is a {signer.PublicKey.Suite.Name} key", nameof(signer));
        }

        this.signer = signer;
        keyPairSigner = signer as KeyPairSigner;
        this.chainId = chainId;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.nonceSource = nonceSource ?? RandomNonce;
    }

    /// <summary>The key pair this builder signs with, when it was built from one (or from a <see cref="KeyPairSigner"/>).</summary>
    /// <exception cref="InvalidOperationException">The builder signs through another <see cref="ITransactionSigner"/>, whose private key is not in this process: use <see cref="TransactionSigner"/>.</exception>
    public KeyPair Signer => keyPairSigner?.KeyPair
        ?? throw new InvalidOperationException($"this builder signs through {signer.GetType().Name}, which holds no key pair in this process: use TransactionSigner ({nameof(TransactionSigner)}.PublicKey, .Suite)");

    /// <summary>The signer every envelope is signed through.</summary>
    public ITransactionSigner TransactionSigner => signer;

    /// <summary>The chain every envelope names.</summary>
    public string ChainId => chainId;

    /// <summary>Builds and signs a transaction of <paramref name="type"/> with <paramref name="body"/> serialized as its body.</summary>
    /// <exception cref="InvalidOperationException">The builder signs through an asynchronous signer: use <see cref="BuildAsync(TransactionType, IMessage, CancellationToken)"/>.</exception>
    public SignedTransaction Build(TransactionType type, IMessage body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Build(type, body.ToByteString());
    }

    /// <summary>Builds and signs a transaction of <paramref name="type"/> with <paramref name="body"/> as its body bytes.</summary>
    /// <exception cref="InvalidOperationException">The builder signs through an asynchronous signer: use <see cref="BuildAsync(TransactionType, ByteString, CancellationToken)"/>.</exception>
    public SignedTransaction Build(TransactionType type, ByteString body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (keyPairSigner is null)
        {
            throw new InvalidOperationException($"this builder signs through {signer.GetType().Name}, which may sign remotely: use the asynchronous methods (BuildAsync, RegisterWorkAsync, BatchRegisterAsync, ...)");
        }

        var envelope = Envelope(type, body);
        return Signed(envelope, keyPairSigner.Sign(SigningInput.Create(SigningContexts.TransactionSignature, chainId, envelope)), verify: false);
    }

    /// <summary>Builds a transaction of <paramref name="type"/> with <paramref name="body"/> serialized as its body and signs it through the signer.</summary>
    /// <exception cref="TransactionSignerException">The signer returned a signature that does not verify under its public key.</exception>
    public Task<SignedTransaction> BuildAsync(TransactionType type, IMessage body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return BuildAsync(type, body.ToByteString(), cancellation);
    }

    /// <summary>Builds a transaction of <paramref name="type"/> with <paramref name="body"/> as its body bytes and signs it through the signer.</summary>
    /// <exception cref="TransactionSignerException">The signer returned a signature that does not verify under its public key.</exception>
    public async Task<SignedTransaction> BuildAsync(TransactionType type, ByteString body, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var envelope = Envelope(type, body);
        var signingInput = SigningInput.Create(SigningContexts.TransactionSignature, chainId, envelope);
        var signature = await signer.SignAsync(signingInput, cancellation).ConfigureAwait(false);
        return Signed(envelope, signature, verify: keyPairSigner is null);
    }

    /// <summary>Signs a work registration.</summary>
    public SignedTransaction RegisterWork(RegisterWork body) => Build(TransactionType.RegisterWork, body);

    /// <summary>Signs a work registration through the signer.</summary>
    public Task<SignedTransaction> RegisterWorkAsync(RegisterWork body, CancellationToken cancellation = default) => BuildAsync(TransactionType.RegisterWork, body, cancellation);

    /// <summary>
    /// Signs <paramref name="body"/> (merkle_root and item_count of <paramref name="items"/>, no
    /// items inline) and attaches <paramref name="items"/> as the transaction's detached items,
    /// outside the signed envelope and the transaction hash (see Ledger.Core.Signing.TransactionHashing).
    /// </summary>
    /// <exception cref="ArgumentException">The body carries items inline, or its item_count is not the item count.</exception>
    public SignedTransaction BatchRegister(BatchRegister body, BatchItems items)
    {
        CheckBatch(body, items);
        var transaction = Build(TransactionType.BatchRegister, body);
        transaction.DetachedItems = items.ToByteString();
        return transaction;
    }

    /// <summary>As <see cref="BatchRegister(Ledger.Core.Protocol.BatchRegister, BatchItems)"/>, signing through the signer.</summary>
    /// <exception cref="ArgumentException">The body carries items inline, or its item_count is not the item count.</exception>
    public async Task<SignedTransaction> BatchRegisterAsync(BatchRegister body, BatchItems items, CancellationToken cancellation = default)
    {
        CheckBatch(body, items);
        var transaction = await BuildAsync(TransactionType.BatchRegister, body, cancellation).ConfigureAwait(false);
        transaction.DetachedItems = items.ToByteString();
        return transaction;
    }

    /// <summary>A built batch, signed with its items detached (<see cref="BatchRegister(BatchRegister, BatchItems)"/>).</summary>
    public SignedTransaction BatchRegister(Batches.BuiltBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return BatchRegister(batch.Body, batch.Items);
    }

    /// <summary>A built batch, signed through the signer with its items detached.</summary>
    public Task<SignedTransaction> BatchRegisterAsync(Batches.BuiltBatch batch, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return BatchRegisterAsync(batch.Body, batch.Items, cancellation);
    }

    /// <summary>Signs an ownership transfer.</summary>
    public SignedTransaction TransferOwnership(TransferOwnership body) => Build(TransactionType.TransferOwnership, body);

    /// <summary>Signs an ownership transfer through the signer.</summary>
    public Task<SignedTransaction> TransferOwnershipAsync(TransferOwnership body, CancellationToken cancellation = default) => BuildAsync(TransactionType.TransferOwnership, body, cancellation);

    /// <summary>Signs a licence grant.</summary>
    public SignedTransaction GrantLicense(GrantLicense body) => Build(TransactionType.GrantLicense, body);

    /// <summary>Signs a licence grant through the signer.</summary>
    public Task<SignedTransaction> GrantLicenseAsync(GrantLicense body, CancellationToken cancellation = default) => BuildAsync(TransactionType.GrantLicense, body, cancellation);

    /// <summary>Signs a licence revocation.</summary>
    public SignedTransaction RevokeLicense(RevokeLicense body) => Build(TransactionType.RevokeLicense, body);

    /// <summary>Signs a licence revocation through the signer.</summary>
    public Task<SignedTransaction> RevokeLicenseAsync(RevokeLicense body, CancellationToken cancellation = default) => BuildAsync(TransactionType.RevokeLicense, body, cancellation);

    /// <summary>Signs a claim.</summary>
    public SignedTransaction FileClaim(FileClaim body) => Build(TransactionType.FileClaim, body);

    /// <summary>Signs a claim through the signer.</summary>
    public Task<SignedTransaction> FileClaimAsync(FileClaim body, CancellationToken cancellation = default) => BuildAsync(TransactionType.FileClaim, body, cancellation);

    /// <summary>Signs a response to a claim.</summary>
    public SignedTransaction RespondToClaim(RespondToClaim body) => Build(TransactionType.RespondToClaim, body);

    /// <summary>Signs a response to a claim through the signer.</summary>
    public Task<SignedTransaction> RespondToClaimAsync(RespondToClaim body, CancellationToken cancellation = default) => BuildAsync(TransactionType.RespondToClaim, body, cancellation);

    /// <summary>Signs a claim resolution.</summary>
    public SignedTransaction ResolveClaim(ResolveClaim body) => Build(TransactionType.ResolveClaim, body);

    /// <summary>Signs a claim resolution through the signer.</summary>
    public Task<SignedTransaction> ResolveClaimAsync(ResolveClaim body, CancellationToken cancellation = default) => BuildAsync(TransactionType.ResolveClaim, body, cancellation);

    /// <summary>Signs an evidence preservation.</summary>
    public SignedTransaction PreserveEvidence(PreserveEvidence body) => Build(TransactionType.PreserveEvidence, body);

    /// <summary>Signs an evidence preservation through the signer.</summary>
    public Task<SignedTransaction> PreserveEvidenceAsync(PreserveEvidence body, CancellationToken cancellation = default) => BuildAsync(TransactionType.PreserveEvidence, body, cancellation);

    /// <summary>Signs a judgment record.</summary>
    public SignedTransaction RecordJudgment(RecordJudgment body) => Build(TransactionType.RecordJudgment, body);

    /// <summary>Signs a judgment record through the signer.</summary>
    public Task<SignedTransaction> RecordJudgmentAsync(RecordJudgment body, CancellationToken cancellation = default) => BuildAsync(TransactionType.RecordJudgment, body, cancellation);

    /// <summary>Signs a governance proposal.</summary>
    public SignedTransaction ProposeChange(ProposeChange body) => Build(TransactionType.ProposeChange, body);

    /// <summary>Signs a governance proposal through the signer.</summary>
    public Task<SignedTransaction> ProposeChangeAsync(ProposeChange body, CancellationToken cancellation = default) => BuildAsync(TransactionType.ProposeChange, body, cancellation);

    /// <summary>Signs a governance vote.</summary>
    public SignedTransaction Vote(Vote body) => Build(TransactionType.Vote, body);

    /// <summary>Signs a governance vote through the signer.</summary>
    public Task<SignedTransaction> VoteAsync(Vote body, CancellationToken cancellation = default) => BuildAsync(TransactionType.Vote, body, cancellation);

    private static void CheckBatch(BatchRegister body, BatchItems items)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(items);
        if (body.Items.Count != 0)
        {
            throw new ArgumentException("a BatchRegister body carries no items: they travel detached", nameof(body));
        }

        if (body.ItemCount != (uint)items.Items.Count)
        {
            throw new ArgumentException($"the body's item_count is {body.ItemCount}, there are {items.Items.Count} items", nameof(items));
        }
    }

    /// <summary>The serialized envelope: serialized once here, and those exact bytes are signed and sent.</summary>
    private byte[] Envelope(TransactionType type, ByteString body) => new TransactionEnvelope
    {
        ChainId = chainId,
        Nonce = nonceSource(),
        Type = type,
        Body = body,
        SignerKeyId = ByteString.CopyFrom(signer.PublicKey.KeyId.Bytes),
        Suite = signer.PublicKey.Suite.Name,
        CreatedUnixMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
    }.ToByteArray();

    /// <summary>
    /// The signed transaction; a signature from a signer outside this process is checked first
    /// (size, then the signature itself), so a misbehaving HSM or KMS fails here and not at every node.
    /// </summary>
    private SignedTransaction Signed(byte[] envelope, byte[]? signature, bool verify)
    {
        if (signature is null)
        {
            throw new TransactionSignerException($"{signer.GetType().Name} returned no signature");
        }

        if (verify)
        {
            var expectedBytes = signer.Suite.SignatureSizeBytes;
            if (signature.Length != expectedBytes)
            {
                throw new TransactionSignerException($"{signer.GetType().Name} returned a {signature.Length}-byte signature; a {signer.Suite.Name} signature is {expectedBytes} bytes");
            }

            if (!TransactionSigning.Verify(signer.PublicKey, envelope, signature, chainId))
            {
                throw new TransactionSignerException($"{signer.GetType().Name}'s signature does not verify under its public key (key_id={signer.PublicKey.KeyId}, {signer.Suite.Name}): wrong key, wrong encoding, or not over the exact signing input");
            }
        }

        return new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(envelope),
            Signature = ByteString.CopyFrom(signature),
        };
    }

    private static ulong RandomNonce()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) & long.MaxValue;
    }
}
