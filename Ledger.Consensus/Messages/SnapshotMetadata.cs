namespace Ledger.Consensus;

/// <summary>The last log position a snapshot covers and the membership in force at that position.</summary>
public sealed class SnapshotMetadata
{
    public SnapshotMetadata(ulong index, ulong term, ConfState confState)
    {
        ArgumentNullException.ThrowIfNull(confState);
        Index = index;
        Term = term;
        ConfState = confState;
    }

    public ulong Index { get; }

    public ulong Term { get; }

    public ConfState ConfState { get; }
}
