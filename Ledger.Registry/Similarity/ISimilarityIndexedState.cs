namespace Ledger.Registry.Similarity;

/// <summary>
/// A state that keeps the multi-index hashing tables of its images (one table per substring of
/// <see cref="PerceptualHashIndexLayout"/>) up to date as blocks are applied, so a similar-works
/// query reads only the buckets it probes.
/// </summary>
public interface ISimilarityIndexedState
{
    /// <summary>A consistent view of the tables for one query; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">The state keeps its tables for another layout.</exception>
    IPerceptualHashTableReader OpenSimilarityTables(PerceptualHashIndexLayout layout);
}

/// <summary>
/// Read access to the tables of multi-index hashing: table j holds every image's hash rotated left
/// by the bit offset of substring j (<see cref="PerceptualHashIndexLayout.OffsetBits"/>), in
/// ascending order, so substring j is the top bits and one bucket is one contiguous range.
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
}
