using System.Numerics;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// The tables of <see cref="IPerceptualHashTableReader"/> as sorted arrays, built from a state's
/// images in one scan (<see cref="Build"/>): how a state without stored tables (the in-memory state
/// of tests and tools) answers a query. Memory and time grow with the images (every one is read),
/// so a node's state keeps its tables on disk instead (<see cref="ISimilarityIndexedState"/>).
/// An image's reference is its position in the scan.
/// </summary>
public sealed class PerceptualHashMemoryTables : IPerceptualHashTableReader
{
    private readonly List<byte[]> workIds;
    private readonly (ulong Rotated, int Image)[][] tables;

    private PerceptualHashMemoryTables(PerceptualHashIndexLayout layout, List<ulong> hashes, List<byte[]> workIds)
    {
        this.workIds = workIds;
        tables = new (ulong, int)[layout.SubstringCount][];
        for (var j = 0; j < tables.Length; j++)
        {
            var table = new (ulong Rotated, int Image)[hashes.Count];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = (BitOperations.RotateLeft(hashes[i], layout.OffsetBits(j)), i);
            }

            Array.Sort(table);
            tables[j] = table;
        }
    }

    /// <summary>Every image of the state: its single registrations' index entries and its batches' accepted items.</summary>
    public static PerceptualHashMemoryTables Build(IRegistryStateReader state, PerceptualHashIndexLayout layout)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(layout);
        var hashes = new List<ulong>();
        var workIds = new List<byte[]>();
        foreach (var entry in state.Scan(PerceptualHashIndex.EntriesPrefix))
        {
            if (!PerceptualHashIndex.TryReadEntry(entry.Key, out var hash, out var workId))
            {
                throw new InvalidDataException($"malformed perceptual-hash index key {Convert.ToHexString(entry.Key.Span)}");
            }

            hashes.Add(hash);
            workIds.Add(workId);
        }

        BatchItemImages.AddFrom(state, hashes, workIds);
        return new PerceptualHashMemoryTables(layout, hashes, workIds);
    }

    public IEnumerable<PerceptualHashTableEntry> Range(int table, ulong rotatedFrom, ulong rotatedTo)
    {
        var sorted = tables[table];
        for (var i = LowerBound(sorted, rotatedFrom); i < sorted.Length && sorted[i].Rotated <= rotatedTo; i++)
        {
            yield return new PerceptualHashTableEntry(sorted[i].Rotated, new ImageReference((ulong)sorted[i].Image, 0));
        }
    }

    public byte[]? WorkIdOf(ImageReference image) => image.Source < (ulong)workIds.Count ? workIds[(int)image.Source] : null;

    /// <summary>Every image of the state is in the tables: none to add.</summary>
    public void AddUnindexedMatches(ulong query, int maxDistance, List<SimilarWork> matches)
    {
    }

    public void Dispose()
    {
    }

    private static int LowerBound((ulong Rotated, int Image)[] sorted, ulong value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (sorted[middle].Rotated < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
