using System.Buffers.Binary;
using Ledger.Registry.Model;
using Ledger.Storage.Errors;

namespace Ledger.Storage.Registry;

/// <summary>
/// One block's images still to be indexed, written by the apply path in the block's own write batch
/// under <see cref="SimilarityIndexKeys.Pending"/> (one put per block, even a block without images,
/// so the heights are contiguous and a state replaced underneath shows as a gap):
/// <code>
/// 0x01 | uint32 BE singles | singles × (hash uint64 BE, work id 36) | uint32 BE batches | batches × tx hash 32
/// </code>
/// A batch's images are not copied: the indexer reads its accepted items from the state (the
/// batch's commitment and item chunks, written in the same block and never changed).
/// </summary>
internal static class SimilarityPendingRecord
{
    private const byte FormatVersion = 0x01;
    private const int SingleBytes = sizeof(ulong) + WorkIds.WorkIdBytes;

    public static byte[] Encode(IReadOnlyList<(ulong Hash, byte[] WorkId)> singles, IReadOnlyList<byte[]> batchTxHashes)
    {
        var value = new byte[1 + sizeof(uint) + (singles.Count * SingleBytes) + sizeof(uint) + (batchTxHashes.Count * WorkIds.TxHashBytes)];
        value[0] = FormatVersion;
        var at = 1;
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(at), (uint)singles.Count);
        at += sizeof(uint);
        foreach (var (hash, workId) in singles)
        {
            BinaryPrimitives.WriteUInt64BigEndian(value.AsSpan(at), hash);
            workId.CopyTo(value, at + sizeof(ulong));
            at += SingleBytes;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(at), (uint)batchTxHashes.Count);
        at += sizeof(uint);
        foreach (var txHash in batchTxHashes)
        {
            txHash.CopyTo(value, at);
            at += WorkIds.TxHashBytes;
        }

        return value;
    }

    /// <summary>Decodes a record; any other bytes are storage corruption (the apply path writes only well-formed ones).</summary>
    public static (List<(ulong Hash, byte[] WorkId)> Singles, List<byte[]> BatchTxHashes) Decode(ReadOnlySpan<byte> value, ulong height, string dataDirectory)
    {
        var singles = new List<(ulong, byte[])>();
        var batches = new List<byte[]>();
        if (value.Length < 1 + (2 * sizeof(uint)) || value[0] != FormatVersion)
        {
            throw Corrupt(height, dataDirectory, "too short or of an unknown format");
        }

        var at = 1;
        var singleCount = BinaryPrimitives.ReadUInt32BigEndian(value[at..]);
        at += sizeof(uint);
        if (singleCount > (ulong)(value.Length - at) / SingleBytes)
        {
            throw Corrupt(height, dataDirectory, $"names {singleCount} singles in {value.Length} bytes");
        }

        for (var i = 0; i < singleCount; i++)
        {
            singles.Add((BinaryPrimitives.ReadUInt64BigEndian(value[at..]), value.Slice(at + sizeof(ulong), WorkIds.WorkIdBytes).ToArray()));
            at += SingleBytes;
        }

        if (value.Length - at < sizeof(uint))
        {
            throw Corrupt(height, dataDirectory, "ends before its batch count");
        }

        var batchCount = BinaryPrimitives.ReadUInt32BigEndian(value[at..]);
        at += sizeof(uint);
        if ((ulong)(value.Length - at) != (ulong)batchCount * WorkIds.TxHashBytes)
        {
            throw Corrupt(height, dataDirectory, $"names {batchCount} batches in {value.Length - at} remaining bytes");
        }

        for (var i = 0; i < batchCount; i++)
        {
            batches.Add(value.Slice(at, WorkIds.TxHashBytes).ToArray());
            at += WorkIds.TxHashBytes;
        }

        return (singles, batches);
    }

    private static StorageCorruptionException Corrupt(ulong height, string dataDirectory, string detail) =>
        new($"similarity index pending record of height {height} in '{dataDirectory}' is malformed: {detail}. {LedgerDatabase.CorruptDirectoryRecovery}");
}
