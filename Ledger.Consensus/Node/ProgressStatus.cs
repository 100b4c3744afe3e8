namespace Ledger.Consensus;

/// <summary>A leader's view of one peer, as reported in <see cref="RaftStatus"/>.</summary>
public readonly record struct ProgressStatus(
    ulong Id,
    ulong Match,
    ulong Next,
    ProgressState State,
    bool IsLearner,
    bool RecentActive,
    int InflightCount);
