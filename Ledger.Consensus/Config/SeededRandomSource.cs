namespace Ledger.Consensus;

/// <summary>A deterministic <see cref="IRandomSource"/>: the same seed yields the same election timeouts.</summary>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly Random random;

    public SeededRandomSource(int seed)
    {
        random = new Random(seed);
    }

    public int Next(int minInclusive, int maxExclusive) => random.Next(minInclusive, maxExclusive);
}
