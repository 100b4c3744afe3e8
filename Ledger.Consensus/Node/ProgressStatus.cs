namespace Ledger.Consensus;

/// <summary>A leader's view of one peer, as reported in <see cref="RaftStatus"/>.</summary>
public readonly record struct ProgressStatus(
    ulong Id,
    ulong Match,
    ulong Next,
    ProgressState State,
    bool IsLearner,
    bool RecentActive,
    int InflightCount)
{
    /// <summary>The peer said it is recovering: its match does not count toward commit.</summary>
    public bool Recovering { get; init; }

    /// <summary>The peer's incarnation as last heard (0 = not yet heard or not tracked).</summary>
    public ulong Incarnation { get; init; }
}
