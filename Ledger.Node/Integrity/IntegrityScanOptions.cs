namespace Ledger.Node.Integrity;

/// <summary>
/// The background integrity scan (<c>Node:IntegrityScan:*</c>): how fast it reads, how long it waits
/// after start and between passes. Checked once at start-up (<see cref="Validate"/>).
/// </summary>
public sealed class IntegrityScanOptions
{
    public const long BytesPerSecondMin = 64 * 1024;
    public const long BytesPerSecondMax = 1024L * 1024 * 1024;
    public const int StartDelaySecondsMax = 24 * 60 * 60;
    public const int PassIntervalSecondsMax = 7 * 24 * 60 * 60;

    /// <summary>Off only for tests and benchmarks that must not share the disk; on in production.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Bytes the scan reads per second at most (block records, then table records), averaged over
    /// slices. The default reads 1 TiB in about 36 hours; block bytes are parsed and hashed (each
    /// transaction twice: its hash for the index, its leaf for the roots), a few percent of one core.
    /// </summary>
    public long BytesPerSecond { get; set; } = 8 * 1024 * 1024;

    /// <summary>Seconds after start before the first pass: a restarted node catches up first.</summary>
    public int StartDelaySeconds { get; set; } = 60;

    /// <summary>Seconds from the end of one pass to the start of the next.</summary>
    public int PassIntervalSeconds { get; set; } = 60 * 60;

    public void Validate()
    {
        if (BytesPerSecond is < BytesPerSecondMin or > BytesPerSecondMax)
        {
            throw new InvalidOperationException($"Node:IntegrityScan:BytesPerSecond must be within {BytesPerSecondMin}..{BytesPerSecondMax} (64 KiB/s..1 GiB/s), was {BytesPerSecond}");
        }

        if (StartDelaySeconds is < 0 or > StartDelaySecondsMax)
        {
            throw new InvalidOperationException($"Node:IntegrityScan:StartDelaySeconds must be within 0..{StartDelaySecondsMax} (one day), was {StartDelaySeconds}");
        }

        if (PassIntervalSeconds is < 0 or > PassIntervalSecondsMax)
        {
            throw new InvalidOperationException($"Node:IntegrityScan:PassIntervalSeconds must be within 0..{PassIntervalSecondsMax} (one week), was {PassIntervalSeconds}");
        }
    }
}
