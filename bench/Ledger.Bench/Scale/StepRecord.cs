namespace Ledger.Bench.Scale;

/// <summary>Catch-up of a fresh learner from the leader at one step (null fields: not measured this step).</summary>
internal sealed record LearnerFigures(double? CatchUpSeconds, double? SnapshotBytes, string Note);

/// <summary>Restart of the node at one step: SIGTERM to exit, then start to serving.</summary>
/// <remarks><see cref="FirstSimilarSeconds"/>: the first similar-works query after serving (it builds the node's in-memory index).</remarks>
internal sealed record RestartFigures(double StopSeconds, int ExitCode, double ServingSeconds, double FirstSimilarSeconds, long ResidentBytesAfter);

/// <summary>Everything measured for one step of the scale run: one CSV row, one stdout line, one x value of each curve.</summary>
internal sealed record StepRecord(
    int Step,
    long Items,
    long SingleItems,
    IngestResult Ingest,
    double NodeCpuSeconds,
    double BenchCpuSeconds,
    SingleResult Singles,
    StepLatencies Latencies,
    StoreFigures Store,
    double? WriteStallSecondsStep,
    long ResidentBytesMax,
    long ResidentBytesNow,
    long BenchResidentBytes,
    RestartFigures? Restart,
    LearnerFigures? Learner,
    string LoadAverage,
    string NodeThreadsPerItem)
{
    /// <summary>Node CPU per batch item over the ingest phase (singles included in the CPU, not in the count).</summary>
    public double NodeCpuMicrosecondsPerItem => Ingest.Items > 0 ? NodeCpuSeconds / Ingest.Items * 1e6 : 0;

    public double BatchItemsPerSecond => Ingest.Seconds > 0 ? Ingest.Items / Ingest.Seconds : 0;

    /// <summary>Batch items plus single registrations: every work the store holds.</summary>
    public long StoredItems => Items + SingleItems;

    public double DiskBytesPerItem => StoredItems > 0 ? (double)Store.DataDirectoryBytes / StoredItems : 0;

    /// <summary>Live RocksDB bytes (all column families and the WAL) per item; null until the node exposes them.</summary>
    public double? RocksBytesPerItem => Store.HasColumnFamilies && StoredItems > 0
        ? (Store.ColumnFamilyBytes.Values.Sum() + (Store.WalBytes ?? 0)) / StoredItems
        : null;

    /// <summary>The worse of the two proofs' p99.</summary>
    public double ProofP99Microseconds => Math.Max(Latencies.Inclusion.P99Microseconds, Latencies.Consistency.P99Microseconds);

    /// <summary>The worst of the three registry queries' p99.</summary>
    public double QueryP99Milliseconds => new[] { Latencies.WorkById.P99Microseconds, Latencies.ByContentHash.P99Microseconds, Latencies.Similar.P99Microseconds }.Max() / 1000;
}
