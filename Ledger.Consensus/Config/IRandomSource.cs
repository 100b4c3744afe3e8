namespace Ledger.Consensus;

/// <summary>The only source of randomness Raft uses (election jitter). Inject a seeded one for replayable runs.</summary>
public interface IRandomSource
{
    /// <summary>Returns an integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    int Next(int minInclusive, int maxExclusive);
}
