using System.Buffers.Binary;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// Index entries and queries for <see cref="PerceptualHashIndexLayout"/>. One entry per image, key
/// [PerceptualHashIndex][full hash, uint64 BE][work id], empty value. Queries are answered by
/// multi-index hashing tables (<see cref="PerceptualHashSearch"/>) that a node keeps outside the
/// state (derived, not committed: a RocksDB node keeps them on disk, written in the background), so
/// an image costs one state write instead of m.
/// </summary>
public sealed class PerceptualHashIndex(PerceptualHashIndexLayout layout)
{
    /// <summary>Bytes of an entry key: space byte, hash, work id.</summary>
    public const int EntryKeyBytes = 1 + sizeof(ulong) + WorkIds.WorkIdBytes;

    public PerceptualHashIndexLayout Layout { get; } = layout;

    /// <summary>The prefix under which every entry lies (a full scan of it names every image once).</summary>
    public static StateKey EntriesPrefix { get; } = new([(byte)KeySpace.PerceptualHashIndex]);

    public static StateKey EntryKey(ulong perceptualHash, byte[] workId)
    {
        ArgumentNullException.ThrowIfNull(workId);
        if (workId.Length != WorkIds.WorkIdBytes)
        {
            throw new ArgumentException($"work id must be {WorkIds.WorkIdBytes} bytes, was {workId.Length}", nameof(workId));
        }

        var key = new byte[EntryKeyBytes];
        key[0] = (byte)KeySpace.PerceptualHashIndex;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), perceptualHash);
        workId.CopyTo(key, 1 + sizeof(ulong));
        return new StateKey(key);
    }

    /// <summary>The state entries of one image (exactly one: <see cref="EntryKey"/>).</summary>
    public IEnumerable<StateKey> EntryKeys(ulong perceptualHash, byte[] workId)
    {
        yield return EntryKey(perceptualHash, workId);
    }

    /// <summary>The hash and work id of an index entry key, or false for any other key.</summary>
    public static bool TryReadEntry(StateKey key, out ulong hash, out byte[] workId)
    {
        var span = key.Span;
        if (span.Length != EntryKeyBytes || span[0] != (byte)KeySpace.PerceptualHashIndex)
        {
            hash = 0;
            workId = [];
            return false;
        }

        hash = BinaryPrimitives.ReadUInt64BigEndian(span[1..]);
        workId = span[(1 + sizeof(ulong))..].ToArray();
        return true;
    }

    /// <summary>
    /// Works whose perceptual hash is within <paramref name="maxDistance"/> bits of
    /// <paramref name="query"/>, nearest first (ties by work id), at most <paramref name="limit"/>
    /// (<see cref="PerceptualHashSearch"/>). From the state's stored tables when it keeps them
    /// (<see cref="ISimilarityIndexedState"/>); any other state (the in-memory state of tests and
    /// tools, a RocksDB state opened without its index) builds the tables from its entries for this
    /// one query, which costs a scan of every entry.
    /// </summary>
    /// <exception cref="SimilarityIndexUnavailableException">The state's index is too far behind its applied height to answer.</exception>
    public SimilarWorksResult FindSimilar(IRegistryStateReader state, ulong query, int maxDistance, int limit)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var tables = (state as ISimilarityIndexedState)?.TryOpenSimilarityTables(Layout) ?? PerceptualHashMemoryTables.Build(state, Layout);
        return PerceptualHashSearch.FindSimilar(tables, state, Layout, query, maxDistance, limit);
    }

    /// <summary>Every value of <paramref name="widthBits"/> bits within <paramref name="radius"/> of <paramref name="center"/>.</summary>
    internal static IEnumerable<ulong> Neighbours(ulong center, int widthBits, int radius)
    {
        yield return center;
        for (var distance = 1; distance <= Math.Min(radius, widthBits); distance++)
        {
            // Bit positions as a strictly increasing combination, advanced lexicographically.
            var positions = new int[distance];
            for (var i = 0; i < distance; i++)
            {
                positions[i] = i;
            }

            while (true)
            {
                var flipped = center;
                foreach (var position in positions)
                {
                    flipped ^= 1UL << position;
                }

                yield return flipped;

                var advance = distance - 1;
                while (advance >= 0 && positions[advance] == widthBits - distance + advance)
                {
                    advance--;
                }

                if (advance < 0)
                {
                    break;
                }

                positions[advance]++;
                for (var i = advance + 1; i < distance; i++)
                {
                    positions[i] = positions[i - 1] + 1;
                }
            }
        }
    }
}
