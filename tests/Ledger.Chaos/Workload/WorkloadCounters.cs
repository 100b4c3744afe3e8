namespace Ledger.Chaos.Workload;

/// <summary>The workload's running counts, bumped from many client tasks (Interlocked).</summary>
internal sealed class WorkloadCounters
{
    public long Submitted;
    public long Acknowledged;
    public long Failed;
    public long Unknown;
    public long Retries;
    public long DeliberateDuplicates;
    public long InvalidReceipts;
    public long LinearizableReads;
    public long LocalReads;
    public long ReadsAnswered;
    public long EvidenceExported;
    public long EvidenceFailed;
    public volatile bool HistoryFull;

    public WorkloadSummary Snapshot() => new()
    {
        Submitted = Interlocked.Read(ref Submitted),
        Acknowledged = Interlocked.Read(ref Acknowledged),
        Failed = Interlocked.Read(ref Failed),
        Unknown = Interlocked.Read(ref Unknown),
        Retries = Interlocked.Read(ref Retries),
        DeliberateDuplicates = Interlocked.Read(ref DeliberateDuplicates),
        InvalidReceipts = Interlocked.Read(ref InvalidReceipts),
        LinearizableReads = Interlocked.Read(ref LinearizableReads),
        LocalReads = Interlocked.Read(ref LocalReads),
        ReadsAnswered = Interlocked.Read(ref ReadsAnswered),
        EvidenceExported = Interlocked.Read(ref EvidenceExported),
        EvidenceFailed = Interlocked.Read(ref EvidenceFailed),
        HistoryFull = HistoryFull,
    };
}
