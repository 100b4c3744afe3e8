using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Batching;
using Ledger.Node.Chain;
using Ledger.Registry.Applying;
using Ledger.Registry.Queries;
using Ledger.Registry.State;

namespace Ledger.Node.Submission;

/// <summary>
/// The door: every submission is checked here, once, before it can reach the log — size, canonical
/// encoding, envelope, chain id, suite, signer key and its status, role, signature, replayed nonce —
/// and refused with the precise gRPC status (InvalidArgument, PermissionDenied, AlreadyExists).
/// Thread-safe; gRPC calls run it concurrently, so signature verification uses every core.
/// The registry re-checks key, role and nonce deterministically at apply time; the door only keeps
/// garbage and replays out of the log.
/// </summary>
public sealed class SubmissionGate
{
    /// <summary>Parsed public keys kept for verification; beyond this the cache is cleared (keys are few in practice).</summary>
    public const int CachedKeysMax = 65_536;

    private readonly ChainContext chain;
    private readonly RegistryQueries registry;
    private readonly IRegistryStateReader state;
    private readonly int transactionBytesMax;
    private readonly ConcurrentDictionary<ByteString, PublicKey> keyCache = new();

    public SubmissionGate(ChainContext chain, IRegistryStateReader state, int transactionBytesMax)
    {
        this.chain = chain;
        this.state = state;
        this.transactionBytesMax = transactionBytesMax;
        registry = new RegistryQueries(state, chain.RegistryOptions);
    }

    /// <summary>Checks one submission; returns it ready for batching or throws <see cref="SubmissionRejectedException"/>.</summary>
    public PendingTransaction Admit(SignedTransaction? transaction)
    {
        if (transaction is null)
        {
            throw Reject(StatusCode.InvalidArgument, "the request carries no transaction");
        }

        var size = transaction.CalculateSize();
        if (size > transactionBytesMax)
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction is {size} bytes, more than the {transactionBytesMax}-byte limit");
        }

        var leaf = TransactionHashing.EncodeLeaf(transaction);
        if (leaf.Length != size)
        {
            throw Reject(StatusCode.InvalidArgument, "transaction carries unknown fields; send exactly the envelope and signature");
        }

        TransactionEnvelope envelope;
        try
        {
            envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Reject(StatusCode.InvalidArgument, $"envelope is not a valid TransactionEnvelope: {e.Message}");
        }

        if (!string.Equals(envelope.ChainId, chain.ChainId, StringComparison.Ordinal))
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction is for chain '{envelope.ChainId}', this is '{chain.ChainId}'");
        }

        if (!string.Equals(envelope.Suite, chain.Suite.Name, StringComparison.Ordinal))
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction uses suite '{envelope.Suite}', this chain uses '{chain.Suite.Name}'");
        }

        if (envelope.Type == TransactionType.Unspecified || !Enum.IsDefined(envelope.Type))
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction type {(int)envelope.Type} is not a known type");
        }

        var keyRecord = registry.GetKey(envelope.SignerKeyId.Span)
            ?? throw Reject(StatusCode.PermissionDenied, $"signer key {Convert.ToHexStringLower(envelope.SignerKeyId.Span)} is not a consortium key");
        var nextPosition = new ChainPosition { Height = RegistryApplierHeight() + 1, Index = 0 };
        if (!RegistryQueries.IsKeyValidAt(keyRecord, nextPosition))
        {
            throw Reject(StatusCode.PermissionDenied, $"signer key {Convert.ToHexStringLower(envelope.SignerKeyId.Span)} has been retired");
        }

        var member = state.TryGet(StateKeys.Member(keyRecord.MemberId), out var memberBytes) ? MemberRecord.Parser.ParseFrom(memberBytes) : null;
        if (member is null || !member.Active)
        {
            throw Reject(StatusCode.PermissionDenied, $"member '{keyRecord.MemberId}' is not active");
        }

        if (!RolePolicy.IsAllowed(envelope.Type, member.Role))
        {
            throw Reject(StatusCode.PermissionDenied, $"member '{member.MemberId}' with role {member.Role} may not submit {envelope.Type}");
        }

        var publicKey = PublicKeyOf(keyRecord);
        if (!TransactionSigning.Verify(publicKey, transaction.Envelope.Span, transaction.Signature.Span, chain.ChainId))
        {
            throw Reject(StatusCode.InvalidArgument, "signature does not verify for the envelope and signer key");
        }

        var transactionHash = new byte[chain.Hash.HashSizeBytes];
        chain.Hash.Hash(leaf, transactionHash);
        if (state.TryGet(StateKeys.Nonce(envelope.SignerKeyId.Span, envelope.Nonce), out _))
        {
            throw new SubmissionRejectedException(StatusCode.AlreadyExists, $"nonce {envelope.Nonce} of this signer key was already used", transactionHash);
        }

        return new PendingTransaction(leaf, transactionHash);
    }

    private ulong RegistryApplierHeight() => registry.AppliedHeight;

    private PublicKey PublicKeyOf(KeyRecord record)
    {
        if (keyCache.TryGetValue(record.KeyId, out var cached))
        {
            return cached;
        }

        if (!chain.Suite.TryDecodePublicKey(record.PublicKey.Span, out var decoded))
        {
            throw Reject(StatusCode.PermissionDenied, $"signer key {Convert.ToHexStringLower(record.KeyId.Span)} is not a valid {chain.Suite.Name} key");
        }

        if (keyCache.Count >= CachedKeysMax)
        {
            keyCache.Clear();
        }

        keyCache[record.KeyId] = decoded;
        return decoded;
    }

    private static SubmissionRejectedException Reject(StatusCode code, string message) => new(code, message);
}
