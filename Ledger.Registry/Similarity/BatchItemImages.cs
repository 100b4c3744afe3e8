using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// Batch items' perceptual hashes, read from the batches' item chunks (<see cref="BatchItemTable"/>)
/// instead of one <see cref="KeySpace.PerceptualHashIndex"/> entry per image: a batch item costs
/// one state write, and the similarity tables take its image from the chunk, counted only if the
/// batch's committed acceptance bitmap accepted the item (a rejected duplicate is not an image of
/// the registry). Single registrations keep their index entry.
/// </summary>
public static class BatchItemImages
{
    /// <summary>Every accepted batch item's image in the state (a full scan of the item chunks).</summary>
    public static void AddFrom(IRegistryStateReader state, List<ulong> hashes, List<byte[]> workIds)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentNullException.ThrowIfNull(workIds);
        foreach (var (_, chunkHashes, chunkWorkIds) in Chunks(state, startAfter: null))
        {
            hashes.AddRange(chunkHashes);
            workIds.AddRange(chunkWorkIds);
        }
    }

    /// <summary>
    /// The accepted images of each item chunk in key order, after the chunk key
    /// <paramref name="startAfter"/> when given (a scan resumed where it stopped), with the chunk's key.
    /// </summary>
    public static IEnumerable<(StateKey ChunkKey, List<ulong> Hashes, List<byte[]> WorkIds)> Chunks(IRegistryStateReader state, StateKey? startAfter)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[]? txHash = null;
        byte[]? commitment = null;
        foreach (var entry in state.Scan(new StateKey([(byte)KeySpace.BatchItems]), startAfter))
        {
            if (!TryReadChunkKey(entry.Key, out var chunkTxHash, out var chunkIndex))
            {
                continue;
            }

            if (txHash is null || !chunkTxHash.SequenceEqual(txHash))
            {
                txHash = chunkTxHash.ToArray();
                commitment = state.TryGet(StateKeys.BatchCommitment(txHash), out var stored)
                    ? stored
                    : throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has item chunks but no commitment");
            }

            var hashes = new List<ulong>();
            var workIds = new List<byte[]>();
            AddChunk(txHash, chunkIndex, entry.Value, commitment!, hashes, workIds);
            yield return (entry.Key, hashes, workIds);
        }
    }

    /// <summary>
    /// The accepted images of the one batch <paramref name="txHash"/> (its commitment and item chunks
    /// read from the state), as item indexes and hashes; false when the state holds no commitment for it.
    /// </summary>
    public static bool TryAddBatch(IRegistryStateReader state, ReadOnlySpan<byte> txHash, List<uint> items, List<ulong> hashes)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(hashes);
        if (!state.TryGet(StateKeys.BatchCommitment(txHash), out var commitment))
        {
            return false;
        }

        var count = BatchCommitment.ItemCount(commitment);
        var chunks = BatchItemTable.ChunkCount(checked((int)count));
        for (var c = 0; c < chunks; c++)
        {
            if (!state.TryGet(StateKeys.BatchItemChunk(txHash, c), out var chunk))
            {
                throw new RegistryInvariantException($"batch {Convert.ToHexString(txHash)} has a commitment for {count} items but no item chunk {c}");
            }

            var first = (uint)c * BatchItemTable.ChunkItems;
            var inChunk = BatchItemTable.CountOf(chunk);
            for (var k = 0; k < inChunk; k++)
            {
                var index = first + (uint)k;
                if (BatchCommitment.IsAccepted(commitment, index) && BatchItemEncoding.TryReadPerceptualHash(BatchItemTable.Item(chunk, k), out var hash))
                {
                    items.Add(index);
                    hashes.Add(hash);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The images of the batch item chunks among one block's <paramref name="writes"/>; the
    /// block also holds each of those batches' commitment (a batch is written whole, in one block).
    /// </summary>
    public static void AddFromWrites(IReadOnlyList<StateWrite> writes, List<(ulong Hash, byte[] WorkId)> images)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(images);
        Dictionary<StateKey, byte[]>? commitments = null;
        var hashes = new List<ulong>();
        var workIds = new List<byte[]>();
        foreach (var write in writes)
        {
            if (write.Key.Space == KeySpace.BatchCommitment && write.Value is not null)
            {
                (commitments ??= []).Add(write.Key, write.Value);
            }
            else if (write.Value is not null && TryReadChunkKey(write.Key, out var txHash, out var chunkIndex))
            {
                var commitmentKey = StateKeys.BatchCommitment(txHash);
                if (commitments is null || !commitments.TryGetValue(commitmentKey, out var commitment))
                {
                    throw new RegistryInvariantException($"block writes item chunk {chunkIndex} of batch {Convert.ToHexString(txHash)} but not its commitment");
                }

                AddChunk(txHash.ToArray(), chunkIndex, write.Value, commitment, hashes, workIds);
            }
        }

        for (var i = 0; i < hashes.Count; i++)
        {
            images.Add((hashes[i], workIds[i]));
        }
    }

    private static void AddChunk(byte[] txHash, int chunkIndex, byte[] chunk, byte[] commitment, List<ulong> hashes, List<byte[]> workIds)
    {
        var first = (uint)chunkIndex * BatchItemTable.ChunkItems;
        var count = BatchItemTable.CountOf(chunk);
        for (var k = 0; k < count; k++)
        {
            var index = first + (uint)k;
            if (BatchCommitment.IsAccepted(commitment, index) && BatchItemEncoding.TryReadPerceptualHash(BatchItemTable.Item(chunk, k), out var hash))
            {
                hashes.Add(hash);
                workIds.Add(WorkIds.Create(txHash, index));
            }
        }
    }

    // [BatchItems][tx hash][uint32 chunk]; the 33-byte header key is not a chunk.
    private static bool TryReadChunkKey(StateKey key, out ReadOnlySpan<byte> txHash, out int chunkIndex)
    {
        var span = key.Span;
        if (span.Length != 1 + WorkIds.TxHashBytes + sizeof(uint) || span[0] != (byte)KeySpace.BatchItems)
        {
            txHash = default;
            chunkIndex = -1;
            return false;
        }

        txHash = span.Slice(1, WorkIds.TxHashBytes);
        chunkIndex = checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[(1 + WorkIds.TxHashBytes)..]));
        return true;
    }
}
