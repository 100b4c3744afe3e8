namespace Ledger.Registry.Similarity;

/// <summary>
/// A state that keeps the multi-index hashing tables of its images (one table per substring of
/// <see cref="PerceptualHashIndexLayout"/>) as derived data beside it, so a similar-works query
/// reads only the buckets it probes.
/// </summary>
public interface ISimilarityIndexedState
{
    /// <summary>
    /// A consistent view of the tables for one query, covering every image of the state at the
    /// applied height the call observed; the caller disposes it. Null when this state keeps no
    /// tables (then the caller builds them from the state's entries).
    /// </summary>
    /// <exception cref="ArgumentException">The state keeps its tables for another layout.</exception>
    /// <exception cref="SimilarityIndexUnavailableException">The tables lag the state by more than their stated bound, or are being rebuilt.</exception>
    IPerceptualHashTableReader? TryOpenSimilarityTables(PerceptualHashIndexLayout layout);
}

/// <summary>
/// Read access to the tables of multi-index hashing: table j holds every image's hash rotated left
/// by the bit offset of substring j (<see cref="PerceptualHashIndexLayout.OffsetBits"/>), in
/// ascending order, so substring j is the top bits and one bucket is one contiguous range. Images
/// not yet in the tables (applied, not yet indexed) are offered apart, for a brute-force scan.
/// </summary>
public interface IPerceptualHashTableReader : IDisposable
{
    /// <summary>
    /// The entries of table <paramref name="table"/> whose rotated hash lies in
    /// [<paramref name="rotatedFrom"/>, <paramref name="rotatedTo"/>], ascending by rotated hash.
    /// </summary>
    IEnumerable<PerceptualHashTableEntry> Range(int table, ulong rotatedFrom, ulong rotatedTo);

    /// <summary>The work id the reference names, or null when the store holds no such source (a dangling entry).</summary>
    byte[]? WorkIdOf(ImageReference image);

    /// <summary>
    /// Adds every image that is in the state but not yet in the tables and lies within
    /// <paramref name="maxDistance"/> bits of <paramref name="query"/> (a bounded brute-force scan).
    /// </summary>
    void AddUnindexedMatches(ulong query, int maxDistance, List<SimilarWork> matches);
}
