namespace Ledger.Consensus;

/// <summary>
/// The state that must be on stable storage before any message that depends on it is sent:
/// current term, the vote cast in that term (0 = none), and the commit index.
/// </summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static HardState Empty => default;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
