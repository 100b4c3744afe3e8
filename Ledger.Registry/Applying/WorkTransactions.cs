using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>RegisterWork, BatchRegister, TransferOwnership.</summary>
internal static class WorkTransactions
{
    /// <remarks>The body is within its bounds (<see cref="Bounds.BodyBounds"/>); what is checked here needs state or the block.</remarks>
    public static TransactionOutcome Register(TransactionContext context, RegisterWork body)
    {
        ValidateRegistrantHolder(context, body.RightsHolder);
        if (body.ClaimedCreationUnixMs != 0)
        {
            Check.NotInFuture(body.ClaimedCreationUnixMs, context.Block, "claimed_creation_unix_ms");
        }

        // Duplicate by either hash: each one the work carries (the suite's policy, checked in the
        // bounds, says which must be there) is looked up in its own index.
        var sha256Key = RejectIfRegistered(context.State, ContentHashAlgorithm.Sha256, body.ContentHash.Sha256, "sha256");
        var sm3Key = RejectIfRegistered(context.State, ContentHashAlgorithm.Sm3, body.ContentHash.Sm3, "sm3");

        // The id's array is fresh and never changed: the record wraps it instead of copying it.
        var workId = WorkIds.Create(context.TxHash, 0);
        var work = new WorkRecord
        {
            WorkId = UnsafeByteOperations.UnsafeWrap(workId),
            ContentHash = body.ContentHash.Clone(),
            MediaType = body.MediaType,
            Title = body.Title,
            RightsHolder = body.RightsHolder.Clone(),
            StewardMemberId = StewardFor(context, body.RightsHolder),
            RegistrantMemberId = context.SignerId,
            ClaimedCreationUnixMs = body.ClaimedCreationUnixMs,
            RegisteredAt = context.Here,
            RegisteredTxHash = ByteString.CopyFrom(context.TxHash),
            ItemIndex = 0,
            RegisteredTimestampUnixMs = context.Block.TimestampUnixMs,
        };
        work.Metadata.AddRange(body.Metadata);
        if (body.HasPerceptualHash)
        {
            work.PerceptualHash = body.PerceptualHash;
        }

        Works.Add(context.State, work, workId, sha256Key, sm3Key);
        return TransactionOutcome.Ok(RegisteredDetail(workId));
    }

    private const string RegisteredPrefix = "registered work ";

    /// <summary>"registered work " and the id in upper-case hex, written into the string itself (one allocation).</summary>
    private static string RegisteredDetail(byte[] workId) =>
        string.Create(RegisteredPrefix.Length + (workId.Length * 2), workId, static (text, id) =>
        {
            RegisteredPrefix.CopyTo(text);
            if (!Convert.TryToHexString(id, text[RegisteredPrefix.Length..], out var written) || written != id.Length * 2)
            {
                throw new InvalidOperationException("work id hex did not fill its place in the outcome detail");
            }
        });

    /// <remarks>
    /// The body and its detached items are within their bounds (<see cref="Bounds.BodyBounds"/>,
    /// <see cref="Bounds.DetachedItemsBounds"/>: <paramref name="detached"/> holds exactly item_count
    /// items); what is checked here needs state or the items' root. The result commits to every
    /// item's outcome (<see cref="BatchItemOutcomeTree"/>).
    /// </remarks>
    /// <param name="knownRoot">
    /// The RFC 9162 root of these very <paramref name="detached"/> items, when the host already
    /// computed it (<see cref="Batches.CheckedBatchItems"/>); null: computed here. Either way it must
    /// equal the signed merkle_root.
    /// </param>
    public static TransactionOutcome BatchRegister(TransactionContext context, BatchRegister body, BatchItems detached, byte[]? knownRoot = null)
    {
        ValidateRegistrantHolder(context, body.RightsHolder);

        // Each item is encoded once: the stored chunks hold the Merkle leaves.
        var parallelism = context.Options.ParallelismMax;
        var items = detached.Items;
        var count = items.Count;
        var chunks = BatchItemTable.Encode(items, parallelism);
        var root = knownRoot ?? BatchMerkleRoot.ComputeFromChunks(context.Options.Hash, chunks, count, parallelism);
        if (!body.MerkleRoot.Span.SequenceEqual(root))
        {
            // The detached items are not the ones the member signed (their root is in the body).
            throw Check.Fail(RejectionReason.MalformedTransaction, $"detached_items do not match the signed merkle_root {Convert.ToHexString(body.MerkleRoot.Span)}: the RFC 9162 root of the {count} items is {Convert.ToHexString(root)}");
        }

        // Content-hash lookups against the state before this transaction, all at once into
        // per-item slots (batched stored reads, possibly on several threads); outcomes and writes
        // are then taken in item order, so nothing depends on thread timing. Each item has a SHA-256
        // slot and an SM3 slot (duplicate by either hash, as for a work); a slot whose hash the item
        // does not carry has no key and is not looked up.
        var sha256Keys = new StateKey?[count];
        var sm3Keys = new StateKey?[count];
        var lookups = new List<StateKey>(count);
        var state = context.State;
        var anySm3 = false;
        for (var i = 0; i < count; i++)
        {
            if (!items[i].ContentSha256.IsEmpty)
            {
                sha256Keys[i] = StateKeys.ContentHash(ContentHashAlgorithm.Sha256, items[i].ContentSha256.Span);
            }

            if (!items[i].ContentSm3.IsEmpty)
            {
                sm3Keys[i] = StateKeys.ContentHash(ContentHashAlgorithm.Sm3, items[i].ContentSm3.Span);
                anySm3 = true;
            }
        }

        var sha256Prior = PeekAll(state, sha256Keys, parallelism);
        var sm3Prior = anySm3 ? PeekAll(state, sm3Keys, parallelism) : null;

        // An accepted item costs one write per content hash, its content-hash entries; its work
        // record is rebuilt from the batch's header and item chunks (BatchItemRecords), its owner
        // entry is the batch's, its image is read from its chunk (BatchItemImages). Earlier items
        // of this same batch count as prior registrations too: their entries are already pending
        // in this layer. An entry's value is the compact batch-item form (ContentHashIndexValue:
        // the batch's ordinal and the item index, 9 bytes) once the batch has an ordinal, assigned
        // with its first accepted item, before that item's entry is written, so a later item
        // of the batch with the same hash resolves it from this layer.
        var outcome = new BatchRegisterOutcome { ItemCount = (uint)count };
        var accepted = new bool[count];
        OrdinalAssignment? ordinal = null;
        for (var i = 0; i < count; i++)
        {
            // SHA-256 first, worded as before items could carry SM3 (a p256 chain's results do not change).
            var prior = Prior(state, sha256Keys[i], sha256Prior[i]);
            var which = "";
            if (prior is null && sm3Prior is not null)
            {
                prior = Prior(state, sm3Keys[i], sm3Prior[i]);
                which = "sm3 ";
            }

            if (prior is not null)
            {
                outcome.Rejections.Add(new BatchItemRejection
                {
                    ItemIndex = (uint)i,
                    ReasonCode = nameof(RejectionReason.DuplicateContentHash),
                    Reason = $"{which}content already registered as work {Convert.ToHexString(prior)}",
                    ReferenceWorkId = ByteString.CopyFrom(prior),
                });
                continue;
            }

            ordinal ??= AssignOrdinal(context);
            var value = ordinal.Value.Assigned is { } assigned
                ? ContentHashIndexValue.ForBatchItem(assigned, (uint)i)
                : WorkIds.Create(context.TxHash, (uint)i);
            if (sha256Keys[i] is { } sha256Key)
            {
                state.Put(sha256Key, value);
            }

            if (sm3Keys[i] is { } sm3Key)
            {
                state.Put(sm3Key, value);
            }

            accepted[i] = true;
            outcome.AcceptedCount++;
        }

        var steward = StewardFor(context, body.RightsHolder);
        state.Put(StateKeys.BatchItemsHeader(context.TxHash), BatchItemRecords.Header(context, body, steward));
        for (var c = 0; c < chunks.Length; c++)
        {
            state.Put(StateKeys.BatchItemChunk(context.TxHash, c), chunks[c]);
        }

        if (outcome.AcceptedCount > 0)
        {
            state.PutMarker(StateKeys.OwnerBatch(StateKeys.OwnerPrefix(body.RightsHolder), context.TxHash));
        }

        // The batch's only state-root entry; everything above is outside the root.
        state.Put(StateKeys.BatchCommitment(context.TxHash), BatchCommitment.Encode(root, accepted));
        state.Put(StateKeys.BatchOutcome(context.TxHash), outcome);

        // The log commits to each item's outcome through this root (Core's one mapping from the
        // stored outcome, so what the registry records and what a verifier proves cannot differ).
        var itemOutcomesRoot = BatchItemOutcomeTree.ComputeRoot(BatchItemOutcomeTree.FromBatchOutcome(outcome), context.Options.Hash, parallelism);
        return TransactionOutcome.OkBatch($"{outcome.AcceptedCount} of {outcome.ItemCount} items registered", outcome, itemOutcomesRoot);
    }

    /// <summary>The stored values of <paramref name="keys"/> (null where there is no key or no value), read in one batched peek.</summary>
    private static byte[]?[] PeekAll(WriteBuffer state, StateKey?[] keys, int parallelism)
    {
        var values = new byte[]?[keys.Length];
        var present = 0;
        foreach (var key in keys)
        {
            present += key is null ? 0 : 1;
        }

        if (present == keys.Length)
        {
            state.PeekMany(Array.ConvertAll(keys, key => key!.Value), values, parallelism);
            return values;
        }

        var dense = new StateKey[present];
        var slots = new int[present];
        for (int i = 0, k = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                dense[k] = key;
                slots[k++] = i;
            }
        }

        var denseValues = new byte[]?[present];
        state.PeekMany(dense, denseValues, parallelism);
        for (var k = 0; k < present; k++)
        {
            values[slots[k]] = denseValues[k];
        }

        return values;
    }

    /// <summary>
    /// The work id registered under <paramref name="key"/> before this item: stored before the
    /// transaction, or pending from an earlier item of it; resolved from either value form.
    /// </summary>
    private static byte[]? Prior(WriteBuffer state, StateKey? key, byte[]? stored)
    {
        if (key is not { } present)
        {
            return null;
        }

        var value = stored ?? (state.TryGetPending(present, out var pending) ? pending : null);
        return value is null ? null : ContentHashIndexValue.ResolveWorkId(present, value, state.TryGet);
    }

    /// <summary>A batch's ordinal, or none (<see cref="Assigned"/> null) once the chain has used all <see cref="ContentHashIndexValue.OrdinalMax"/> + 1: its items then take the 36-byte form.</summary>
    private readonly record struct OrdinalAssignment(ulong? Assigned);

    /// <summary>
    /// Takes the chain's next batch ordinal for this transaction and maps it to the transaction's
    /// hash (<see cref="StateKeys.BatchOrdinal"/>), both in this layer: a rejected transaction
    /// leaves neither, so ordinals are consecutive over the batches that accepted an item, on every node.
    /// </summary>
    private static OrdinalAssignment AssignOrdinal(TransactionContext context)
    {
        var state = context.State;
        var next = ContentHashIndexValue.NextOrdinal(state.TryGet);
        if (next > ContentHashIndexValue.OrdinalMax)
        {
            return new OrdinalAssignment(null);
        }

        if (context.TxHash.Length != WorkIds.TxHashBytes)
        {
            throw new RegistryInvariantException($"transaction hash of {context.TxHash.Length} bytes, not {WorkIds.TxHashBytes}");
        }

        state.Put(StateKeys.BatchOrdinal(next), (byte[])context.TxHash.Clone());
        state.Put(StateKeys.BatchOrdinalNext(), ContentHashIndexValue.EncodeNextOrdinal(next + 1));
        return new OrdinalAssignment(next);
    }

    public static TransactionOutcome Transfer(TransactionContext context, TransferOwnership body)
    {
        var work = Works.Require(context, body.WorkId, "work_id");
        Works.RequireController(context, work, "transfer it");
        Holders.Validate(context, body.NewHolder, "new_holder");
        if (Holders.Same(work.RightsHolder, body.NewHolder))
        {
            throw Check.Fail(RejectionReason.InvalidField, $"new_holder is already the holder ({Holders.Describe(body.NewHolder)})");
        }

        var previousHolder = work.RightsHolder;
        Works.ChangeHolder(context.State, work, body.NewHolder, context.SignerId);
        Works.AddEvent(context, body.WorkId, WorkEventKind.OwnershipTransferred, newHolder: body.NewHolder, previousHolder: previousHolder);
        return TransactionOutcome.Ok($"transferred to {Holders.Describe(body.NewHolder)}");
    }

    /// <summary>A platform registers for anyone; a rights holder only for itself.</summary>
    private static void ValidateRegistrantHolder(TransactionContext context, RightsHolder? holder)
    {
        Holders.Validate(context, holder, "rights_holder");
        if (context.Signer.Role == MemberRole.RightsHolder
            && !(holder!.HolderCase == RightsHolder.HolderOneofCase.MemberId && holder.MemberId == context.SignerId))
        {
            throw Check.Fail(RejectionReason.NotAuthorized, $"a rights holder registers only for itself ({OutsideValue.Quote(context.SignerId)}), not for {Holders.Describe(holder!)}");
        }
    }

    private static string StewardFor(TransactionContext context, RightsHolder holder) =>
        holder.HolderCase == RightsHolder.HolderOneofCase.MemberId ? "" : context.SignerId;

    /// <returns>The content-hash index key that was looked up (the new work's entry goes there); null when the work carries no hash of this algorithm.</returns>
    private static StateKey? RejectIfRegistered(WriteBuffer state, ContentHashAlgorithm algorithm, ByteString hash, string name)
    {
        if (hash.IsEmpty)
        {
            return null;
        }

        var key = StateKeys.ContentHash(algorithm, hash.Span);
        if (state.TryGet(key, out var value))
        {
            var prior = ContentHashIndexValue.ResolveWorkId(key, value, state.TryGet);
            throw Check.Fail(
                RejectionReason.DuplicateContentHash,
                $"{name} content hash already registered as work {Convert.ToHexString(prior)}",
                WorkIds.TxHashOf(prior).ToArray());
        }

        return key;
    }
}
