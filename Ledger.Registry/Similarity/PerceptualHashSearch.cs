using System.Numerics;
using Ledger.Registry.Applying;
using Ledger.Registry.State;

namespace Ledger.Registry.Similarity;

/// <summary>
/// The one similar-works query over multi-index hashing tables (<see cref="IPerceptualHashTableReader"/>),
/// whichever store holds them. For each table j in order and each bucket value within the per-substring
/// radius of the query's substring j (<see cref="PerceptualHashIndex.Neighbours"/> order), it reads the
/// bucket in ascending order and keeps every entry within <c>maxDistance</c> of the query.
/// <para>
/// Candidate bound: at most <see cref="RegistryLimits.SimilarWorksCandidatesMax"/> entries are read;
/// the query is then <see cref="SimilarWorksResult.Truncated"/>. A hash that was reached is reported
/// with every image that has it (the rest of a run of equal hashes cut by the bound is still read),
/// so the result is a function of the set of hashes reached.
/// </para>
/// <para>
/// Images the tables do not hold yet (<see cref="IPerceptualHashTableReader.AddUnindexedMatches"/>,
/// a bounded tail scanned by brute force) are added to the candidates; they do not count towards the
/// candidate bound. An image in both (indexed while the query ran) is reported once.
/// </para>
/// <para>
/// Results are sorted nearest first, ties by work id, and each is checked against the state before
/// it counts towards <c>limit</c> (<see cref="RegisteredImages"/>): an entry that names no registered
/// work with that hash (a lying disk) is dropped rather than reported.
/// </para>
/// </summary>
public static class PerceptualHashSearch
{
    public static SimilarWorksResult FindSimilar(IPerceptualHashTableReader tables, IRegistryStateReader state, PerceptualHashIndexLayout layout, ulong query, int maxDistance, int limit) =>
        FindSimilar(tables, state, layout, query, maxDistance, limit, RegistryLimits.SimilarWorksCandidatesMax);

    /// <param name="candidatesMax">The candidate bound; a parameter only so tests can reach it with few entries.</param>
    internal static SimilarWorksResult FindSimilar(IPerceptualHashTableReader tables, IRegistryStateReader state, PerceptualHashIndexLayout layout, ulong query, int maxDistance, int limit, long candidatesMax)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(layout);
        if (maxDistance is < 0 or > RegistryLimits.PerceptualHashDistanceMax)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, $"must be in [0, {RegistryLimits.PerceptualHashDistanceMax}]");
        }

        if (limit is < 1 or > RegistryLimits.SimilarWorksResultsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"must be in [1, {RegistryLimits.SimilarWorksResultsMax}]");
        }

        var radius = layout.RadiusFor(maxDistance);
        var found = new Dictionary<ImageReference, ulong>();
        long visited = 0;
        var truncated = false;
        for (var j = 0; j < layout.SubstringCount && !truncated; j++)
        {
            var offset = layout.OffsetBits(j);
            var width = layout.WidthBits(j);
            var rotatedQuery = BitOperations.RotateLeft(query, offset);
            var belowBits = 64 - width;
            var below = belowBits == 64 ? ulong.MaxValue : (1UL << belowBits) - 1;
            foreach (var value in PerceptualHashIndex.Neighbours(layout.Substring(query, j), width, radius))
            {
                var from = value << belowBits;
                ulong? lastReached = null;
                foreach (var entry in tables.Range(j, from, from | below))
                {
                    if (visited < candidatesMax)
                    {
                        visited++;
                        lastReached = entry.RotatedHash;
                    }
                    else
                    {
                        truncated = true;
                        if (entry.RotatedHash != lastReached)
                        {
                            // Past the bound: only the rest of the run of the last hash reached is still read.
                            break;
                        }
                    }

                    if (BitOperations.PopCount(entry.RotatedHash ^ rotatedQuery) <= maxDistance)
                    {
                        found.TryAdd(entry.Image, BitOperations.RotateRight(entry.RotatedHash, offset));
                    }
                }

                if (truncated)
                {
                    break;
                }
            }
        }

        return new SimilarWorksResult(Resolve(tables, state, query, maxDistance, found, limit), truncated);
    }

    // Work ids for the references, nearest first (ties by work id), checked against the state until limit are kept.
    private static List<SimilarWork> Resolve(IPerceptualHashTableReader tables, IRegistryStateReader state, ulong query, int maxDistance, Dictionary<ImageReference, ulong> found, int limit)
    {
        var candidates = new List<SimilarWork>(found.Count);
        tables.AddUnindexedMatches(query, maxDistance, candidates);
        foreach (var (image, hash) in found)
        {
            if (tables.WorkIdOf(image) is { } workId)
            {
                candidates.Add(new SimilarWork(workId, hash, BitOperations.PopCount(hash ^ query)));
            }
        }

        candidates.Sort(static (a, b) =>
        {
            var byDistance = a.Distance.CompareTo(b.Distance);
            return byDistance != 0 ? byDistance : a.WorkId.AsSpan().SequenceCompareTo(b.WorkId);
        });
        var matches = new List<SimilarWork>(Math.Min(limit, candidates.Count));
        var registered = new RegisteredImages(state);
        byte[]? previous = null;
        foreach (var candidate in candidates)
        {
            if (matches.Count == limit)
            {
                break;
            }

            // Two entries naming one work (one image indexed twice) count once.
            if (previous is not null && previous.AsSpan().SequenceEqual(candidate.WorkId))
            {
                continue;
            }

            previous = candidate.WorkId;
            if (registered.Has(candidate.WorkId, candidate.PerceptualHash))
            {
                matches.Add(candidate);
            }
        }

        return matches;
    }
}
