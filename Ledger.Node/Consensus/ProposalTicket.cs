namespace Ledger.Node.Consensus;

/// <summary>
/// Where a tracked proposal landed in this leader's log. Marked by the drive loop, on its thread,
/// the moment the entry is appended — before any later leadership change is reported — so whoever
/// reacts to a leadership change knows exactly which submissions were appended (and may still
/// commit) and which never reached the log.
/// </summary>
public sealed class ProposalTicket(Action<ProposalTicket>? appended = null)
{
    private long index;
    private long term;

    /// <summary>Log index of the appended entry; 0 until appended.</summary>
    public ulong Index => (ulong)Volatile.Read(ref index);

    /// <summary>Term of the appended entry (the leader's term at the time); 0 until appended.</summary>
    public ulong Term => (ulong)Volatile.Read(ref term);

    public bool IsAppended => Index != 0;

    /// <summary>Records where the entry was appended; the drive loop calls it on its thread (tests may too).</summary>
    public void MarkAppended(ulong entryIndex, ulong entryTerm)
    {
        if (entryIndex == 0 || entryTerm == 0)
        {
            throw new InvalidOperationException($"an appended entry has a positive index and term, got {entryIndex}/{entryTerm}");
        }

        Volatile.Write(ref term, (long)entryTerm);
        Volatile.Write(ref index, (long)entryIndex);
        appended?.Invoke(this);
    }
}
