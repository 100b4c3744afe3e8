using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Prometheus;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Batching;
using Ledger.Node.Chain;
using Ledger.Node.Verification;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;
using Ledger.Registry.Queries;
using Ledger.Registry.Signatures;
using Ledger.Registry.State;

namespace Ledger.Node.Submission;

/// <summary>
/// The door: every submission is checked here, once, before it can reach the log — size, canonical
/// encoding, envelope, chain id, suite, signer key and its status, role, signature, replayed nonce —
/// and refused with the precise gRPC status (InvalidArgument, PermissionDenied, AlreadyExists).
/// Thread-safe; gRPC calls run it concurrently, so signature verification uses every core.
/// The registry re-checks signature, key, role and nonce deterministically at apply time on every
/// node; the door only keeps garbage and replays out of the log, and leaves its signature verdict for
/// this node's apply of the same bytes (<see cref="SignatureVerdicts"/>), so the leader checks each
/// signature once.
/// <para>
/// What the door knows about a signer (key record, its validity for the next block, its member's
/// record, the decoded public key) is cached per signer key and per registry height: any change to
/// keys or members (rotation, retirement, deactivation) happens in a block, so an entry read at the
/// current height is exact, and the first submission after a new block re-reads it. Under load that
/// is one registry read per active signer per block instead of three per transaction.
/// </para>
/// </summary>
public sealed class SubmissionGate
{
    /// <summary>Signers kept in the cache; beyond this the cache is cleared (active signers are few in practice).</summary>
    public const int CachedKeysMax = 65_536;

    private readonly ChainContext chain;
    private readonly RegistryQueries registry;
    private readonly IRegistryStateReader state;
    private readonly int transactionBytesMax;
    private readonly Func<ulong> registryHeight;
    private readonly ConcurrentDictionary<ByteString, PublicKey> keyCache = new();
    private readonly ConcurrentDictionary<ByteString, SignerRecord> signerCache = new();
    private readonly SignatureVerdicts? verdicts;
    private readonly Counter.Child? signatureChecks;
    private long signerReads;

    /// <param name="registryHeight">
    /// The registry's applied height, read cheaply (the block store's tip); defaults to reading it from
    /// the registry state. Cached signer records are valid for exactly one height.
    /// </param>
    /// <param name="verdicts">Where the door leaves its signature verdicts for this node's apply (so the rules need not check again).</param>
    /// <param name="signatureChecks">Counts the door's signature verifications.</param>
    public SubmissionGate(ChainContext chain, IRegistryStateReader state, int transactionBytesMax, Func<ulong>? registryHeight = null, SignatureVerdicts? verdicts = null, Counter.Child? signatureChecks = null)
    {
        this.verdicts = verdicts;
        this.signatureChecks = signatureChecks;
        this.chain = chain;
        this.state = state;
        this.transactionBytesMax = transactionBytesMax;
        registry = new RegistryQueries(state, chain.RegistryOptions);
        this.registryHeight = registryHeight ?? (() => registry.AppliedHeight);
    }

    /// <summary>How many times a signer's records were read from the registry (cache misses).</summary>
    public long SignerReads => Interlocked.Read(ref signerReads);

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

        // What is batched, stored and served: envelope, signature and detached items; the hash covers the first two.
        var canonical = TransactionHashing.EncodeCanonical(transaction);
        if (canonical.Length != size)
        {
            throw Reject(StatusCode.InvalidArgument, "transaction carries unknown fields; send exactly the envelope, the signature and (for a batch) the detached items");
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
            throw Reject(StatusCode.InvalidArgument, $"transaction is for chain {OutsideValue.Quote(envelope.ChainId)}, this is '{chain.ChainId}'");
        }

        if (!string.Equals(envelope.Suite, chain.Suite.Name, StringComparison.Ordinal))
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction uses suite {OutsideValue.Quote(envelope.Suite)}, this chain uses '{chain.Suite.Name}'");
        }

        if (envelope.Type == TransactionType.Unspecified || !Enum.IsDefined(envelope.Type))
        {
            throw Reject(StatusCode.InvalidArgument, $"transaction type {(int)envelope.Type} is not a known type");
        }

        // The registry would only record it as rejected (LimitExceeded), after every node stored it.
        if (envelope.Body.Length > RegistryLimits.TransactionBodyBytesMax)
        {
            throw Reject(StatusCode.InvalidArgument, $"{envelope.Type} body is {envelope.Body.Length} bytes, more than the registry's {RegistryLimits.TransactionBodyBytesMax}-byte limit");
        }

        if (envelope.SignerKeyId.IsEmpty || envelope.SignerKeyId.Length > RegistryLimits.KeyIdBytesMax)
        {
            throw Reject(StatusCode.InvalidArgument, $"signer_key_id is {envelope.SignerKeyId.Length} bytes; a key id is 1..{RegistryLimits.KeyIdBytesMax}");
        }

        var signer = SignerOf(envelope.SignerKeyId);
        if (!RolePolicy.IsAllowed(envelope.Type, signer.Member.Role))
        {
            throw Reject(StatusCode.PermissionDenied, $"member '{signer.Member.MemberId}' with role {signer.Member.Role} may not submit {envelope.Type}");
        }

        var publicKey = signer.PublicKey;
        signatureChecks?.Inc();
        if (!TransactionSigning.Verify(publicKey, transaction.Envelope.Span, transaction.Signature.Span, chain.ChainId))
        {
            throw Reject(StatusCode.InvalidArgument, "signature does not verify for the envelope and signer key");
        }

        // Every field's bound, as the rules check it (one function): a body the rules would only
        // record as rejected is refused here, naming the field and the bound.
        if (BodyBounds.Validate(envelope.Type, envelope.Body, chain.Suite.Name, out var body) is { } violation)
        {
            throw Reject(StatusCode.InvalidArgument, $"{violation.Detail} ({envelope.Type} body, {violation.Reason})");
        }

        // The detached items' bounds, as the rules check them (one function): present exactly for a
        // batch, canonical, as many as the signed item_count, each item within its bounds.
        if (DetachedItemsBounds.Validate(envelope.Type, body, transaction.DetachedItems, chain.Suite.Name, out var items) is { } itemsViolation)
        {
            throw Reject(StatusCode.InvalidArgument, $"{itemsViolation.Detail} ({envelope.Type} detached items, {itemsViolation.Reason})");
        }

        var batchRoot = body is BatchRegister batch ? CheckBatchRoot(batch, items!) : null;

        if (body is ProposeChange { RotateKey: { } rotate })
        {
            CheckRotationSuite(rotate);
        }

        var transactionHash = new byte[chain.Hash.HashSizeBytes];
        TransactionHashing.ComputeHashOfCanonical(chain.Hash, canonical, transaction, transactionHash);
        if (state.TryGet(StateKeys.Nonce(envelope.SignerKeyId.Span, envelope.Nonce), out _))
        {
            throw new SubmissionRejectedException(StatusCode.AlreadyExists, $"nonce {envelope.Nonce} of this signer key was already used", transactionHash);
        }

        // Only after every door check passed: the apply of these very bytes (same hash) reuses it.
        verdicts?.RecordDoorVerdict(transactionHash, signer.ValidSignature);
        if (batchRoot is not null)
        {
            // So the leader's apply need not parse and hash the same items again (byte-identical ones only).
            verdicts?.RecordDoorBatchCheck(transactionHash, new CheckedBatchItems(transaction.DetachedItems, items!, batchRoot));
        }

        return new PendingTransaction(canonical, transactionHash);
    }

    /// <summary>
    /// A batch whose detached items are not the ones under its signed merkle_root would only be
    /// recorded as rejected (MalformedTransaction) at apply, after costing every node its items: it is
    /// refused here (after the signature check, so unsigned junk costs no hashing; the items are
    /// within bounds already). The registry still checks the root, deterministically.
    /// </summary>
    /// <returns>The root, equal to the signed merkle_root.</returns>
    private byte[] CheckBatchRoot(BatchRegister body, BatchItems items)
    {
        var root = BatchMerkleRoot.Compute(chain.Hash, items.Items, Environment.ProcessorCount);
        if (!body.MerkleRoot.Span.SequenceEqual(root))
        {
            throw Reject(StatusCode.InvalidArgument, $"detached_items do not match the signed merkle_root {Convert.ToHexStringLower(body.MerkleRoot.Span)}: the RFC 9162 root of the {items.Items.Count} items is {Convert.ToHexStringLower(root)} (BatchRegister detached items, {nameof(RejectionReason.MalformedTransaction)})");
        }

        return root;
    }

    /// <summary>A new key of another suite than the member's keys (a witness holds Ed25519 keys whatever the chain's suite) would only be rejected when the change executes.</summary>
    private void CheckRotationSuite(RotateMemberKey rotate)
    {
        var member = state.TryGet(StateKeys.Member(rotate.MemberId), out var memberBytes) ? MemberRecord.Parser.ParseFrom(memberBytes) : null;
        if (member is not null && GovernanceKeys.RotationSuiteProblem(rotate, member.Role, chain.Suite.Name) is { } problem)
        {
            throw Reject(StatusCode.InvalidArgument, $"{problem} (ProposeChange body, {RejectionReason.InvalidField})");
        }
    }

    /// <summary>The signer's key, member and public key as of the current registry height; throws PermissionDenied when it may not sign now.</summary>
    private SignerRecord SignerOf(ByteString signerKeyId)
    {
        var height = registryHeight();
        if (signerCache.TryGetValue(signerKeyId, out var cached) && cached.Height == height)
        {
            return cached;
        }

        Interlocked.Increment(ref signerReads);
        var keyRecord = registry.GetKey(signerKeyId.Span)
            ?? throw Reject(StatusCode.PermissionDenied, $"signer key {Convert.ToHexStringLower(signerKeyId.Span)} is not a consortium key");
        var nextPosition = new ChainPosition { Height = height + 1, Index = 0 };
        if (!RegistryQueries.IsKeyValidAt(keyRecord, nextPosition))
        {
            throw Reject(StatusCode.PermissionDenied, $"signer key {Convert.ToHexStringLower(signerKeyId.Span)} has been retired");
        }

        var member = state.TryGet(StateKeys.Member(keyRecord.MemberId), out var memberBytes) ? MemberRecord.Parser.ParseFrom(memberBytes) : null;
        if (member is null || !member.Active)
        {
            throw Reject(StatusCode.PermissionDenied, $"member '{keyRecord.MemberId}' is not active");
        }

        var publicKey = PublicKeyOf(keyRecord);
        var record = new SignerRecord(height, member, publicKey, new SignatureVerdict(chain.ChainId, publicKey.ToArray(), isValid: true));
        if (signerCache.Count >= CachedKeysMax)
        {
            signerCache.Clear();
        }

        signerCache[signerKeyId] = record;
        return record;
    }

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

    /// <param name="ValidSignature">The verdict the door hands to apply for each transaction of this signer it admits.</param>
    private sealed record SignerRecord(ulong Height, MemberRecord Member, PublicKey PublicKey, SignatureVerdict ValidSignature);

    private static SubmissionRejectedException Reject(StatusCode code, string message) => new(code, message);
}
