using System.Buffers.Binary;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Batches;

/// <summary>
/// A batch's items as stored for lookups (key space <see cref="State.KeySpace.BatchItems"/>): the
/// canonical item bytes (<see cref="BatchItemEncoding"/>, the Merkle leaves) in chunks of
/// <see cref="ChunkItems"/>, so reading one item reads one chunk, not the batch, and a batch
/// costs one write per chunk instead of one record per item. Chunk value layout:
/// <code>
/// uint32 BE n                       items in this chunk (ChunkItems, fewer in the last)
/// uint32 BE end[n]                  end offset of item k's bytes, counted from the data start
/// data                              the items' canonical bytes, concatenated
/// </code>
/// </summary>
public static class BatchItemTable
{
    public const int ChunkItems = 256;

    private const int HeaderBytes = sizeof(uint);

    public static int ChunkCount(int itemCount) => (itemCount + ChunkItems - 1) / ChunkItems;

    /// <summary>The chunks of <paramref name="items"/>, encoded on up to <paramref name="parallelismMax"/> threads (each chunk is independent).</summary>
    /// <exception cref="ArgumentException">An item violates the content-hash or item-id bounds (validate first).</exception>
    public static byte[][] Encode(IReadOnlyList<BatchItem> items, int parallelismMax)
    {
        ArgumentNullException.ThrowIfNull(items);
        var chunks = new byte[ChunkCount(items.Count)][];
        if (parallelismMax <= 1 || chunks.Length < 4)
        {
            var scratch = new byte[ChunkItems * BatchItemEncoding.EncodedBytesMax];
            for (var c = 0; c < chunks.Length; c++)
            {
                chunks[c] = EncodeChunk(items, c, scratch);
            }

            return chunks;
        }

        Parallel.For(
            0,
            chunks.Length,
            new ParallelOptions { MaxDegreeOfParallelism = parallelismMax },
            () => new byte[ChunkItems * BatchItemEncoding.EncodedBytesMax],
            (c, _, scratch) =>
            {
                chunks[c] = EncodeChunk(items, c, scratch);
                return scratch;
            },
            static _ => { });
        return chunks;
    }

    /// <summary>Items in an encoded chunk.</summary>
    public static int CountOf(ReadOnlySpan<byte> chunk) => checked((int)BinaryPrimitives.ReadUInt32BigEndian(chunk));

    /// <summary>The canonical bytes of item <paramref name="indexInChunk"/> of an encoded chunk.</summary>
    /// <exception cref="RegistryInvariantException">The chunk is malformed or has no such item.</exception>
    public static ReadOnlySpan<byte> Item(ReadOnlySpan<byte> chunk, int indexInChunk)
    {
        var count = chunk.Length >= HeaderBytes ? CountOf(chunk) : -1;
        if (count is < 1 or > ChunkItems)
        {
            throw new RegistryInvariantException($"stored batch item chunk of {chunk.Length} bytes has item count {count}");
        }

        if ((uint)indexInChunk >= (uint)count)
        {
            throw new RegistryInvariantException($"stored batch item chunk has {count} items, not item {indexInChunk}");
        }

        var dataStart = HeaderBytes + (count * sizeof(uint));
        var start = indexInChunk == 0 ? 0 : (int)BinaryPrimitives.ReadUInt32BigEndian(chunk[(HeaderBytes + ((indexInChunk - 1) * sizeof(uint)))..]);
        var end = (int)BinaryPrimitives.ReadUInt32BigEndian(chunk[(HeaderBytes + (indexInChunk * sizeof(uint)))..]);
        if (start > end || dataStart + end > chunk.Length)
        {
            throw new RegistryInvariantException($"stored batch item chunk has item {indexInChunk} at [{start}, {end}) outside its {chunk.Length - dataStart} data bytes");
        }

        return chunk.Slice(dataStart + start, end - start);
    }

    private static byte[] EncodeChunk(IReadOnlyList<BatchItem> items, int chunkIndex, byte[] scratch)
    {
        var first = chunkIndex * ChunkItems;
        var count = Math.Min(ChunkItems, items.Count - first);
        Span<int> ends = stackalloc int[ChunkItems];
        var length = 0;
        for (var k = 0; k < count; k++)
        {
            length += BatchItemEncoding.Encode(items[first + k], scratch.AsSpan(length));
            ends[k] = length;
        }

        var dataStart = HeaderBytes + (count * sizeof(uint));
        var chunk = new byte[dataStart + length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)count);
        for (var k = 0; k < count; k++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(HeaderBytes + (k * sizeof(uint))), (uint)ends[k]);
        }

        scratch.AsSpan(0, length).CopyTo(chunk.AsSpan(dataStart));
        return chunk;
    }
}
