namespace Ledger.Consensus;

/// <summary>
/// A place in a Raft log: the index and term of an entry (0/0 = the empty log). Ordered as Raft orders logs
/// for voting (dissertation §3.6.1): the higher last term wins, then the longer log. A node that acknowledged
/// position P and never forgot anything always holds a log at least as up-to-date as P: a newer leader may
/// truncate it, but only by replacing the tail with entries of a newer term.
/// </summary>
public readonly record struct LogPosition(ulong Index, ulong Term) : IComparable<LogPosition>
{
    public static LogPosition None => default;

    public bool IsNone => Index == 0 && Term == 0;

    /// <summary>Raft's up-to-date order: term first, then index.</summary>
    public int CompareTo(LogPosition other)
    {
        var byTerm = Term.CompareTo(other.Term);
        return byTerm != 0 ? byTerm : Index.CompareTo(other.Index);
    }

    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;

    /// <summary>The more up-to-date of the two.</summary>
    public static LogPosition Max(LogPosition left, LogPosition right) => left >= right ? left : right;

    public override string ToString() => $"{Index}@t{Term}";
}
