using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Queries;

/// <summary>
/// A holder's works in work-id order, merging the two kinds of owner-index entry: a single work's
/// (holder prefix || work id) and a batch's (holder prefix || tx hash, <see cref="StateKeys.OwnerBatch"/>).
/// A batch entry sorts just before every single entry with the same tx hash and stands for all
/// of that batch's accepted items the holder still holds: those never changed (no committed
/// <see cref="KeySpace.Work"/> record) and those changed and now held by this holder again. Single
/// entries of such a batch are therefore skipped (the batch entry already listed them), so every
/// work appears once, in work-id order.
/// </summary>
internal static class OwnerListing
{
    /// <summary>Works after <paramref name="afterWorkId"/> (exclusive; null: from the first), lazily.</summary>
    public static IEnumerable<(byte[] WorkId, WorkRecord Work)> After(IRegistryStateReader state, RightsHolder holder, byte[]? afterWorkId)
    {
        var prefix = StateKeys.OwnerPrefix(holder);
        StateKey? startAfter = null;
        byte[]? currentBatch = null;
        if (afterWorkId is not null)
        {
            var txHash = WorkIds.TxHashOf(afterWorkId).ToArray();
            if (state.TryGet(StateKeys.OwnerBatch(prefix, txHash), out _))
            {
                // The token is an item of a batch entry: finish that batch, then scan past every key of its tx.
                currentBatch = txHash;
                foreach (var work in BatchItems(state, holder, txHash, (long)WorkIds.ItemIndexOf(afterWorkId) + 1))
                {
                    yield return work;
                }

                startAfter = StateKeys.Concat(prefix, WorkIds.Create(txHash, uint.MaxValue));
            }
            else
            {
                startAfter = StateKeys.Concat(prefix, afterWorkId);
            }
        }

        foreach (var entry in state.Scan(prefix, startAfter))
        {
            var suffix = entry.Key.Span[prefix.Length..].ToArray();
            if (suffix.Length == WorkIds.TxHashBytes)
            {
                currentBatch = suffix;
                foreach (var work in BatchItems(state, holder, suffix, 0))
                {
                    yield return work;
                }

                continue;
            }

            if (suffix.Length != WorkIds.WorkIdBytes)
            {
                throw new RegistryInvariantException($"owner index entry {entry.Key} has a {suffix.Length}-byte suffix, neither a tx hash nor a work id");
            }

            if (currentBatch is not null && WorkIds.TxHashOf(suffix).SequenceEqual(currentBatch))
            {
                continue;
            }

            var single = Works(state, suffix) ?? throw new RegistryInvariantException($"owner index refers to missing work {Convert.ToHexString(suffix)}");
            yield return (suffix, single);
        }
    }

    private static IEnumerable<(byte[] WorkId, WorkRecord Work)> BatchItems(IRegistryStateReader state, RightsHolder holder, byte[] txHash, long fromIndex)
    {
        if (!state.TryGet(StateKeys.BatchCommitment(txHash), out var commitment))
        {
            throw new RegistryInvariantException($"owner index names batch {Convert.ToHexString(txHash)}, which has no commitment");
        }

        if (!state.TryGet(StateKeys.BatchItemsHeader(txHash), out var header))
        {
            throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has a commitment but no item header");
        }

        var count = BatchCommitment.ItemCount(commitment);
        byte[]? chunk = null;
        var chunkIndex = -1;
        for (var index = fromIndex; index < count; index++)
        {
            if (!BatchCommitment.IsAccepted(commitment, (uint)index))
            {
                continue;
            }

            var workId = WorkIds.Create(txHash, (uint)index);
            if (state.TryGet(StateKeys.Work(workId), out var changed))
            {
                var work = WorkRecord.Parser.ParseFrom(changed);
                if (Holders.Same(work.RightsHolder, holder))
                {
                    yield return (workId, work);
                }

                continue;
            }

            if (index / BatchItemTable.ChunkItems != chunkIndex)
            {
                chunkIndex = (int)(index / BatchItemTable.ChunkItems);
                if (!state.TryGet(StateKeys.BatchItemChunk(txHash, chunkIndex), out chunk))
                {
                    throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has no item chunk {chunkIndex}");
                }
            }

            yield return (workId, BatchItemRecords.Rebuild(header, chunk!, workId));
        }
    }

    private static WorkRecord? Works(IRegistryStateReader state, byte[] workId) =>
        state.TryGet(StateKeys.Work(workId), out var bytes) ? WorkRecord.Parser.ParseFrom(bytes) : BatchItemRecords.Find(state.TryGet, workId);
}
