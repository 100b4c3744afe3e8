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
public sealed class TransactionBuilder
{
    private readonly KeyPair signer;
    private readonly string chainId;
    private readonly TimeProvider timeProvider;
    private readonly Func<ulong> nonceSource;

    public TransactionBuilder(KeyPair signer, string chainId, TimeProvider? timeProvider = null, Func<ulong>? nonceSource = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        this.signer = signer;
        this.chainId = chainId;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.nonceSource = nonceSource ?? RandomNonce;
    }

    public KeyPair Signer => signer;

    public string ChainId => chainId;

    public SignedTransaction Build(TransactionType type, IMessage body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Build(type, body.ToByteString());
    }

    public SignedTransaction Build(TransactionType type, ByteString body)
    {
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId,
            Nonce = nonceSource(),
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
            CreatedUnixMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return TransactionSigning.Sign(signer, envelope);
    }

    public SignedTransaction RegisterWork(RegisterWork body) => Build(TransactionType.RegisterWork, body);

    /// <summary>
    /// Signs <paramref name="body"/> (merkle_root and item_count of <paramref name="items"/>, no
    /// items inline) and attaches <paramref name="items"/> as the transaction's detached items,
    /// outside the signed envelope and the transaction hash (see Ledger.Core.Signing.TransactionHashing).
    /// </summary>
    /// <exception cref="ArgumentException">The body carries items inline, or its item_count is not the item count.</exception>
    public SignedTransaction BatchRegister(BatchRegister body, BatchItems items)
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

        var transaction = Build(TransactionType.BatchRegister, body);
        transaction.DetachedItems = items.ToByteString();
        return transaction;
    }

    /// <summary>A built batch, signed with its items detached (<see cref="BatchRegister(BatchRegister, BatchItems)"/>).</summary>
    public SignedTransaction BatchRegister(Batches.BuiltBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return BatchRegister(batch.Body, batch.Items);
    }

    public SignedTransaction TransferOwnership(TransferOwnership body) => Build(TransactionType.TransferOwnership, body);

    public SignedTransaction GrantLicense(GrantLicense body) => Build(TransactionType.GrantLicense, body);

    public SignedTransaction RevokeLicense(RevokeLicense body) => Build(TransactionType.RevokeLicense, body);

    public SignedTransaction FileClaim(FileClaim body) => Build(TransactionType.FileClaim, body);

    public SignedTransaction RespondToClaim(RespondToClaim body) => Build(TransactionType.RespondToClaim, body);

    public SignedTransaction ResolveClaim(ResolveClaim body) => Build(TransactionType.ResolveClaim, body);

    public SignedTransaction PreserveEvidence(PreserveEvidence body) => Build(TransactionType.PreserveEvidence, body);

    public SignedTransaction RecordJudgment(RecordJudgment body) => Build(TransactionType.RecordJudgment, body);

    public SignedTransaction ProposeChange(ProposeChange body) => Build(TransactionType.ProposeChange, body);

    public SignedTransaction Vote(Vote body) => Build(TransactionType.Vote, body);

    private static ulong RandomNonce()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) & long.MaxValue;
    }
}
