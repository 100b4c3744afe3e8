using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;
using Ledger.Registry.Governance;
using Ledger.Registry.Signatures;
using Ledger.Registry.State;

namespace Ledger.Registry;

/// <summary>
/// Applies committed blocks to registry state, deterministically: the same state, block context
/// and transactions give the same outcomes, writes, effects and state root on every replica. Reads
/// only; the host persists <see cref="BlockApplication.Writes"/> atomically with the block.
/// <para>
/// Per transaction, in order: decodable (the host says which committed bytes were not); chain id;
/// signer key known; signature valid under that key for this chain (<see cref="SignatureRule"/>);
/// nonce unused for that key; key not retired; envelope suite = key suite; member active; role
/// allowed for the type; body within bounds and well-formed; then the type's own rules. A rejected
/// transaction changes no registry state, with one deliberate exception: once its signer key is
/// identified, its signature verifies and its nonce is fresh, the nonce is consumed, so a rejected
/// transaction cannot be replayed into the chain again.
/// </para>
/// </summary>
public sealed class RegistryApplier
{
    private readonly RegistryOptions options;

    public RegistryApplier(RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <exception cref="RegistryInvariantException">The block is not the next height, or the state is not initialized.</exception>
    public BlockApplication ApplyBlock(IRegistryStateReader state, BlockContext context, IReadOnlyList<RegistryTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count > RegistryLimits.BlockTransactionsMax)
        {
            throw new ArgumentException($"block has {transactions.Count} transactions, more than {nameof(RegistryLimits.BlockTransactionsMax)}={RegistryLimits.BlockTransactionsMax}", nameof(transactions));
        }

        var applied = AppliedHeight(state);
        if (context.Height != applied + 1)
        {
            throw new RegistryInvariantException($"block height {context.Height} does not follow the applied height {applied}");
        }

        var governance = state.TryGet(StateKeys.Governance(), out var encodedGovernance)
            ? GovernanceRecord.Parser.ParseFrom(encodedGovernance)
            : throw new RegistryInvariantException("state has no governance record: initialize it from a genesis first");
        if (!string.Equals(governance.ChainId, context.ChainId, StringComparison.Ordinal))
        {
            throw new RegistryInvariantException($"block is for chain '{context.ChainId}' but the state belongs to '{governance.ChainId}'");
        }

        // Sized for a block of single registrations (5 writes and ~3 stored reads each) so the
        // block's tables do not rehash while it runs; a batch grows them itself. One transaction
        // layer and effect list for the whole block, emptied after each transaction, instead of
        // a new dictionary and list per transaction; and the whole set is kept for the next block.
        var buffers = BlockBuffers.Take(ref spareBuffers, state, Math.Min(transactions.Count, BlockPresizeTransactionsMax) * WritesPerTransactionEstimate);
        try
        {
            var block = buffers.Block;
            var parsedBodies = BlockPrefetch.Run(block, transactions);
            var outcomes = new List<TransactionOutcome>(transactions.Count);
            var effects = new List<RegistryEffect>();
            for (var position = 0; position < transactions.Count; position++)
            {
                outcomes.Add(ApplyOne(block, buffers.Layer, buffers.TransactionEffects, context, (uint)position, transactions[position], parsedBodies?[position], effects));
            }

            block.Put(StateKeys.AppliedHeight(), EncodeHeight(context.Height));
            var root = StateCommitment.Fold(block, options.Hash, options.ParallelismMax);
            return new BlockApplication(outcomes, block.ToSortedWrites(options.ParallelismMax), effects, root);
        }
        finally
        {
            BlockBuffers.Return(ref spareBuffers, buffers);
        }
    }

    // The block buffers of the last block, reused by the next (see BlockBuffers).
    private BlockBuffers? spareBuffers;

    private readonly SignatureRule signatures = new();

    /// <summary>Signatures the rules verified themselves because no usable verdict came with the transaction.</summary>
    public long InlineSignatureChecks => signatures.InlineChecks;

    /// <summary>The last applied height (0 right after genesis).</summary>
    public static ulong AppliedHeight(IRegistryStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGet(StateKeys.AppliedHeight(), out var encoded))
        {
            throw new RegistryInvariantException("state has no applied height: initialize it from a genesis first");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(encoded);
    }

    internal static byte[] EncodeHeight(ulong height)
    {
        var encoded = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(encoded, height);
        return encoded;
    }

    private const int WritesPerTransactionEstimate = 6;

    // Presizing stops here (~6 MB of tables); bigger blocks grow as needed.
    private const int BlockPresizeTransactionsMax = 16_384;

    private TransactionOutcome ApplyOne(WriteBuffer block, WriteBuffer layer, List<RegistryEffect> effects, BlockContext blockContext, uint position, RegistryTransaction transaction, IMessage? parsedBody, List<RegistryEffect> blockEffects)
    {
        if (transaction.Undecodable is { } undecodable)
        {
            return undecodable;
        }

        var envelope = transaction.Envelope;
        if (!string.Equals(envelope.ChainId, blockContext.ChainId, StringComparison.Ordinal))
        {
            return TransactionOutcome.Rejected(RejectionReason.WrongChainId, $"transaction is for chain {OutsideValue.Quote(envelope.ChainId)}, this is '{blockContext.ChainId}'");
        }

        if (envelope.SignerKeyId.IsEmpty || envelope.SignerKeyId.Length > RegistryLimits.KeyIdBytesMax)
        {
            return TransactionOutcome.Rejected(RejectionReason.UnknownKey, $"signer_key_id is empty or longer than {nameof(RegistryLimits.KeyIdBytesMax)}={RegistryLimits.KeyIdBytesMax}");
        }

        var key = block.GetShared(StateKeys.Key(envelope.SignerKeyId.Span), KeyRecord.Parser);
        if (key is null)
        {
            return TransactionOutcome.Rejected(RejectionReason.UnknownKey, $"key {Convert.ToHexString(envelope.SignerKeyId.Span)} is not registered");
        }

        if (signatures.Check(transaction, key, blockContext.ChainId) is { } badSignature)
        {
            return badSignature;
        }

        var nonceKey = StateKeys.Nonce(envelope.SignerKeyId.Span, envelope.Nonce);
        if (block.Contains(nonceKey))
        {
            return TransactionOutcome.Rejected(RejectionReason.DuplicateNonce, $"nonce {envelope.Nonce} was already used by this key");
        }

        if (layer.PendingCount != 0 || effects.Count != 0)
        {
            throw new RegistryInvariantException($"transaction {position} starts on a write layer holding {layer.PendingCount} writes and {effects.Count} effects of an earlier transaction");
        }

        TransactionOutcome outcome;
        try
        {
            var signer = Authenticate(block, envelope, key);
            var context = new TransactionContext
            {
                Block = blockContext,
                Position = position,
                TxHash = transaction.TxHash,
                State = layer,
                Options = options,
                Signer = signer,
                SignerKey = key,
                Effects = effects,
            };
            outcome = Dispatch(context, envelope.Type, envelope.Body, parsedBody, transaction.DetachedItems, transaction.CheckedItems);
        }
        catch (RuleViolationException violation)
        {
            outcome = TransactionOutcome.Rejected(violation.Reason, violation.Detail, violation.ReferenceTxHash);
        }

        if (outcome.IsOk)
        {
            layer.CommitToParent();
            blockEffects.AddRange(effects);
        }
        else
        {
            layer.Discard();
        }

        effects.Clear();

        block.PutMarker(nonceKey);
        return outcome;
    }

    private static MemberRecord Authenticate(WriteBuffer state, TransactionEnvelope envelope, KeyRecord key)
    {
        if (key.ValidUntil is not null)
        {
            throw Check.Fail(RejectionReason.KeyRevoked, $"key {Convert.ToHexString(key.KeyId.Span)} was retired at height {key.ValidUntil.Height}");
        }

        if (!string.Equals(envelope.Suite, key.Suite, StringComparison.Ordinal))
        {
            throw Check.Fail(RejectionReason.SuiteMismatch, $"envelope suite {OutsideValue.Quote(envelope.Suite)} differs from the key's suite {OutsideValue.Quote(key.Suite)}");
        }

        var member = state.GetShared(StateKeys.Member(key.MemberId), MemberRecord.Parser)
            ?? throw new RegistryInvariantException($"key {Convert.ToHexString(key.KeyId.Span)} belongs to missing member '{key.MemberId}'");
        if (!member.Active)
        {
            throw Check.Fail(RejectionReason.MemberInactive, $"member {OutsideValue.Quote(member.MemberId)} was removed");
        }

        if (!RolePolicy.IsAllowed(envelope.Type, member.Role) && RolePolicy.AllowedRoles(envelope.Type).Count > 0)
        {
            throw Check.Fail(RejectionReason.RoleNotPermitted, $"role {member.Role} may not submit {envelope.Type} (allowed: {string.Join(", ", RolePolicy.AllowedRoles(envelope.Type))})");
        }

        return member;
    }

    /// <param name="parsedBody">The body already parsed by <see cref="BlockPrefetch"/>, if it was (the same parse).</param>
    /// <param name="detachedItems">The transaction's detached items (a BatchRegister's; must be empty for any other type).</param>
    /// <param name="checkedItems">The host's parse and root of the same items, if it made them (see <see cref="RegistryTransaction.CheckedItems"/>).</param>
    private static TransactionOutcome Dispatch(TransactionContext context, TransactionType type, ByteString body, IMessage? parsedBody, ByteString detachedItems, CheckedBatchItems? checkedItems)
    {
        // Every field's bound, without state, exactly as the door checks it (BodyBounds), then the
        // detached items' (DetachedItemsBounds), in the door's order.
        var message = BodyBounds.ParseAndCheck(type, body, context.Suite, parsedBody);
        var items = DetachedItemsBounds.ParseAndCheck(type, message, detachedItems, context.Suite, checkedItems);

        // The root of the host's parse is the root of these items only when the parse was taken.
        var knownRoot = checkedItems is not null && ReferenceEquals(items, checkedItems.Items) ? checkedItems.MerkleRoot : null;
        return type switch
        {
            TransactionType.RegisterWork => WorkTransactions.Register(context, (RegisterWork)message!),
            TransactionType.BatchRegister => WorkTransactions.BatchRegister(context, (BatchRegister)message!, items!, knownRoot),
            TransactionType.TransferOwnership => WorkTransactions.Transfer(context, (TransferOwnership)message!),
            TransactionType.GrantLicense => LicenseTransactions.Grant(context, (GrantLicense)message!),
            TransactionType.RevokeLicense => LicenseTransactions.Revoke(context, (RevokeLicense)message!),
            TransactionType.FileClaim => ClaimTransactions.File(context, (FileClaim)message!),
            TransactionType.RespondToClaim => ClaimTransactions.Respond(context, (RespondToClaim)message!),
            TransactionType.ResolveClaim => ClaimTransactions.Resolve(context, (ResolveClaim)message!),
            TransactionType.PreserveEvidence => ClaimTransactions.PreserveEvidence(context, (PreserveEvidence)message!),
            TransactionType.RecordJudgment => ClaimTransactions.RecordJudgment(context, (RecordJudgment)message!),
            TransactionType.ProposeChange => GovernanceTransactions.Propose(context, (ProposeChange)message!),
            TransactionType.Vote => GovernanceTransactions.Vote(context, (Vote)message!),
            TransactionType.Anchor => TransactionOutcome.Ok("anchored"),
            _ => throw new RegistryInvariantException($"transaction type {(int)type} passed the body bounds but has no rule"),
        };
    }
}
