namespace Ledger.Chaos.Workload;

/// <summary>
/// Every bound of the workload, stated once. Checked against each other and against the options in
/// <see cref="WorkloadOptions.Validate"/>.
/// </summary>
public static class WorkloadLimits
{
    /// <summary>Registrations sent over one SubmitStream (a node answers each as it commits).</summary>
    public const int StreamItemsMax = 64;

    /// <summary>SubmitStreams one writing client keeps open at once: its in-flight window is this times <see cref="StreamItemsMax"/>.</summary>
    public const int StreamsInFlightPerClientMax = 8;

    /// <summary>
    /// Attempts of one registration (the same signed transaction each time), the first included. With the
    /// backoff below they span about 15 s: longer than an election under load, so an item that met one
    /// leader change still gets its receipt instead of ending Unknown.
    /// </summary>
    public const int SubmitAttemptsMax = 12;

    /// <summary>Content hashes remembered for reads and deliberate duplicates (a ring: the oldest are forgotten).</summary>
    public const int RecentWritesMax = 4096;

    /// <summary>Acknowledged registrations remembered as evidence candidates (a ring), one per <see cref="RecentAcksSpacing"/> at most.</summary>
    public const int RecentAcksMax = 256;

    /// <summary>Least time between two remembered acks: the ring then reaches back <see cref="RecentAcksMax"/> times this (12.8 s).</summary>
    public static readonly TimeSpan RecentAcksSpacing = TimeSpan.FromMilliseconds(50);

    /// <summary>Tasks a client keeps before pruning the finished ones (amortised O(1)).</summary>
    public const int TasksBeforePruning = 2 * StreamsInFlightPerClientMax;

    public const int ClientCountMax = 64;

    public const int ReaderCountMax = 64;

    public const int RegistrationsPerSecondMax = 100_000;

    public const int ReadsPerSecondMax = 100_000;

    public const int EvidenceExportsMax = 1_000;

    /// <summary>Deliberate duplicates are counted per thousand registrations.</summary>
    public const int DuplicatesPerThousandMax = 500;

    /// <summary>Backoff between attempts of one registration: doubles from the first to the last.</summary>
    public static readonly TimeSpan RetryBackoffInitial = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan RetryBackoffMax = TimeSpan.FromSeconds(2);

    /// <summary>An acknowledged registration this old (or older) is likely certified, so its evidence can be exported.</summary>
    public static readonly TimeSpan EvidenceAckAgeMin = TimeSpan.FromSeconds(2);

    /// <summary>Throws unless the bounds fit together (checked whenever options are validated).</summary>
    public static void Check()
    {
        if (RetryBackoffMax < RetryBackoffInitial)
        {
            throw new InvalidOperationException($"{nameof(RetryBackoffMax)} must not be below {nameof(RetryBackoffInitial)}");
        }

        // With less reach than the evidence age no remembered ack is ever old enough, and no evidence is exported.
        if (RecentAcksSpacing * RecentAcksMax < 2 * EvidenceAckAgeMin)
        {
            throw new InvalidOperationException($"{nameof(RecentAcksMax)} x {nameof(RecentAcksSpacing)} must reach back at least twice {nameof(EvidenceAckAgeMin)}");
        }
    }
}
