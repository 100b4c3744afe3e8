using System.Globalization;

namespace Ledger.Chaos.Workload;

/// <summary>What the workload did, for the run's output (the checker judges the history itself).</summary>
public sealed record WorkloadSummary
{
    /// <summary>Registrations invoked (each recorded as one operation).</summary>
    public long Submitted { get; init; }

    /// <summary>Registrations answered with a receipt of acceptance (Ok).</summary>
    public long Acknowledged { get; init; }

    /// <summary>Registrations definitely not applied (door refusal or committed rejection such as a duplicate).</summary>
    public long Failed { get; init; }

    /// <summary>Registrations whose fate the client cannot know.</summary>
    public long Unknown { get; init; }

    /// <summary>Attempts beyond the first (resubmissions of the same signed transaction).</summary>
    public long Retries { get; init; }

    /// <summary>Registrations sent with another client's content hash on purpose.</summary>
    public long DeliberateDuplicates { get; init; }

    /// <summary>Receipts that did not prove their transaction into their own header (recorded as Unknown).</summary>
    public long InvalidReceipts { get; init; }

    public long LinearizableReads { get; init; }

    public long LocalReads { get; init; }

    /// <summary>Reads the node answered (found or "not registered").</summary>
    public long ReadsAnswered { get; init; }

    public long EvidenceExported { get; init; }

    public long EvidenceFailed { get; init; }

    /// <summary>The history recorder reached its bound: the workload stopped issuing operations there.</summary>
    public bool HistoryFull { get; init; }

    public long Reads => LinearizableReads + LocalReads;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"submitted={Submitted} acked={Acknowledged} failed={Failed} unknown={Unknown} retries={Retries} duplicates_sent={DeliberateDuplicates} invalid_receipts={InvalidReceipts} reads={Reads} reads_linearizable={LinearizableReads} reads_answered={ReadsAnswered} evidence={EvidenceExported} evidence_failed={EvidenceFailed}{(HistoryFull ? " history_full=1" : "")}");
}
