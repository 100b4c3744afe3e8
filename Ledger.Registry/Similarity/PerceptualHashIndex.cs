using System.Buffers.Binary;
using System.Numerics;
using Ledger.Registry.Applying;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// Index entries and queries for <see cref="PerceptualHashIndexLayout"/>. Entry key:
/// [PerceptualHashIndex][substring j][substring value, big-endian][full hash, uint64 BE][work id];
/// empty value. Carrying the full hash in the key lets a probe filter candidates without reading
/// the work records.
/// </summary>
public sealed class PerceptualHashIndex(PerceptualHashIndexLayout layout)
{
    public PerceptualHashIndexLayout Layout { get; } = layout;

    public IEnumerable<StateKey> EntryKeys(ulong perceptualHash, byte[] workId)
    {
        for (var j = 0; j < Layout.SubstringCount; j++)
        {
            var prefix = BucketPrefix(j, Layout.Substring(perceptualHash, j));
            var key = new byte[prefix.Length + sizeof(ulong) + workId.Length];
            prefix.CopyTo(key, 0);
            BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(prefix.Length), perceptualHash);
            workId.CopyTo(key, prefix.Length + sizeof(ulong));
            yield return new StateKey(key);
        }
    }

    /// <summary>
    /// Works whose perceptual hash is within <paramref name="maxDistance"/> bits of
    /// <paramref name="query"/>, nearest first (ties by work id), at most <paramref name="limit"/>.
    /// From the state's in-memory tables when it keeps them (<see cref="ISimilarityIndexedState"/>),
    /// else by one prefix scan per bucket probe.
    /// </summary>
    public SimilarWorksResult FindSimilar(IRegistryStateReader state, ulong query, int maxDistance, int limit)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state is ISimilarityIndexedState indexed)
        {
            return indexed.SimilarityIndex(Layout).FindSimilar(query, maxDistance, limit);
        }

        if (maxDistance is < 0 or > RegistryLimits.PerceptualHashDistanceMax)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, $"must be in [0, {RegistryLimits.PerceptualHashDistanceMax}]");
        }

        if (limit is < 1 or > RegistryLimits.SimilarWorksResultsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"must be in [1, {RegistryLimits.SimilarWorksResultsMax}]");
        }

        var radius = Layout.RadiusFor(maxDistance);
        var found = new Dictionary<string, SimilarWork>(StringComparer.Ordinal);
        var visited = 0;
        var truncated = false;
        for (var j = 0; j < Layout.SubstringCount && !truncated; j++)
        {
            foreach (var value in Neighbours(Layout.Substring(query, j), Layout.WidthBits(j), radius))
            {
                var prefix = new StateKey(BucketPrefix(j, value));
                foreach (var entry in state.Scan(prefix))
                {
                    if (++visited > RegistryLimits.SimilarWorksCandidatesMax)
                    {
                        truncated = true;
                        break;
                    }

                    var rest = entry.Key.Span[prefix.Length..];
                    var candidate = BinaryPrimitives.ReadUInt64BigEndian(rest);
                    var distance = BitOperations.PopCount(candidate ^ query);
                    if (distance > maxDistance)
                    {
                        continue;
                    }

                    var workId = rest[sizeof(ulong)..].ToArray();
                    // A work matching on several substrings is found several times; keep it once.
                    found.TryAdd(Convert.ToHexString(workId), new SimilarWork(workId, candidate, distance));
                }

                if (truncated)
                {
                    break;
                }
            }
        }

        var matches = new List<SimilarWork>(found.Values);
        matches.Sort(static (a, b) =>
        {
            var byDistance = a.Distance.CompareTo(b.Distance);
            return byDistance != 0 ? byDistance : a.WorkId.AsSpan().SequenceCompareTo(b.WorkId);
        });
        if (matches.Count > limit)
        {
            matches.RemoveRange(limit, matches.Count - limit);
        }

        return new SimilarWorksResult(matches, truncated);
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

    private byte[] BucketPrefix(int substring, ulong value)
    {
        var valueBytes = Layout.ValueBytes(substring);
        var prefix = new byte[2 + valueBytes];
        prefix[0] = (byte)KeySpace.PerceptualHashIndex;
        prefix[1] = (byte)substring;
        for (var i = 0; i < valueBytes; i++)
        {
            prefix[2 + i] = (byte)(value >> (8 * (valueBytes - 1 - i)));
        }

        return prefix;
    }
}
