using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// Whether the state holds a registered work with a given perceptual hash: the check a
/// similarity-table entry passes before it is reported (the tables are derived data on a disk that
/// may lie). A single registration has its state entry <see cref="PerceptualHashIndex.EntryKey"/>;
/// a batch item is accepted by its batch's commitment and carries that hash in its item chunk.
/// Reads are remembered for one query (a batch's commitment and chunks serve many of its items).
/// </summary>
internal sealed class RegisteredImages(IRegistryStateReader state)
{
    private readonly Dictionary<StateKey, byte[]?> reads = [];

    public bool Has(byte[] workId, ulong perceptualHash)
    {
        if (!WorkIds.IsWellFormed(workId))
        {
            return false;
        }

        if (state.TryGet(PerceptualHashIndex.EntryKey(perceptualHash, workId), out _))
        {
            return true;
        }

        var txHash = WorkIds.TxHashOf(workId);
        var index = WorkIds.ItemIndexOf(workId);
        if (Read(StateKeys.BatchCommitment(txHash)) is not { } commitment
            || commitment.Length < BatchCommitment.HeaderBytes
            || commitment[0] != BatchCommitment.FormatVersion
            || index >= BatchCommitment.ItemCount(commitment)
            || !BatchCommitment.IsAccepted(commitment, index))
        {
            return false;
        }

        var chunk = Read(StateKeys.BatchItemChunk(txHash, (int)(index / BatchItemTable.ChunkItems)));
        var inChunk = (int)(index % BatchItemTable.ChunkItems);
        return chunk is not null
            && chunk.Length >= sizeof(uint)
            && inChunk < BatchItemTable.CountOf(chunk)
            && BatchItemEncoding.TryReadPerceptualHash(BatchItemTable.Item(chunk, inChunk), out var stored)
            && stored == perceptualHash;
    }

    private byte[]? Read(StateKey key)
    {
        if (!reads.TryGetValue(key, out var value))
        {
            reads[key] = value = state.TryGet(key, out var stored) ? stored : null;
        }

        return value;
    }
}
