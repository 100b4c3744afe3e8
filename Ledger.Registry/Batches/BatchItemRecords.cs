using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Batches;

/// <summary>Point reads of state, from whichever view the caller has (a write layer or the stored state).</summary>
internal delegate bool StateRead(StateKey key, [NotNullWhen(true)] out byte[]? value);

/// <summary>
/// A batch item's work record, rebuilt instead of stored: the batch's shared fields
/// (<see cref="StateKeys.BatchItemsHeader"/>) plus the item's canonical bytes from its chunk
/// (<see cref="BatchItemTable"/>), for items the committed <see cref="BatchCommitment"/> accepted.
/// The result is the record a stored per-item copy would hold, field for field.
/// </summary>
internal static class BatchItemRecords
{
    /// <summary>The shared fields, written once per batch.</summary>
    public static WorkRecord Header(TransactionContext context, BatchRegister body, string stewardMemberId) => new()
    {
        MediaType = body.MediaType,
        RightsHolder = body.RightsHolder,
        StewardMemberId = stewardMemberId,
        RegistrantMemberId = context.SignerId,
        RegisteredAt = context.Here,
        RegisteredTxHash = ByteString.CopyFrom(context.TxHash),
        RegisteredTimestampUnixMs = context.Block.TimestampUnixMs,
    };

    /// <summary>The record of batch item <paramref name="workId"/>, or null when no batch accepted such an item.</summary>
    public static WorkRecord? Find(StateRead read, ReadOnlySpan<byte> workId)
    {
        if (!WorkIds.IsWellFormed(workId))
        {
            return null;
        }

        var txHash = WorkIds.TxHashOf(workId);
        var index = WorkIds.ItemIndexOf(workId);
        if (!read(StateKeys.BatchCommitment(txHash), out var commitment)
            || index >= BatchCommitment.ItemCount(commitment)
            || !BatchCommitment.IsAccepted(commitment, index))
        {
            return null;
        }

        if (!read(StateKeys.BatchItemsHeader(txHash), out var header))
        {
            throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has a commitment but no item header");
        }

        var chunkIndex = (int)(index / BatchItemTable.ChunkItems);
        if (!read(StateKeys.BatchItemChunk(txHash, chunkIndex), out var chunk))
        {
            throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has no item chunk {chunkIndex} for item {index}");
        }

        return Rebuild(header, chunk, workId);
    }

    /// <summary>Item <paramref name="workId"/>'s record from its batch's header and the chunk that holds it (read once for many items when listing).</summary>
    public static WorkRecord Rebuild(byte[] header, byte[] chunk, ReadOnlySpan<byte> workId)
    {
        var index = WorkIds.ItemIndexOf(workId);
        var item = BatchItemEncoding.Decode(BatchItemTable.Item(chunk, (int)(index % BatchItemTable.ChunkItems)));
        var work = WorkRecord.Parser.ParseFrom(header);
        work.WorkId = ByteString.CopyFrom(workId);
        work.ContentHash = new ContentHash { Sha256 = item.ContentSha256, Sm3 = item.ContentSm3 };
        work.ItemIndex = index;
        work.ItemId = item.ItemId;
        if (item.HasPerceptualHash)
        {
            work.PerceptualHash = item.PerceptualHash;
        }

        return work;
    }
}
