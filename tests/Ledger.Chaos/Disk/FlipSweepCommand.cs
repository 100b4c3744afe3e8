namespace Ledger.Chaos.Disk;

/// <summary>
/// The <c>--sweep-flips N</c> mode of the harness (issue #16's byte-flip figure): the rig's Program calls
/// <see cref="RunAsync"/> and exits with its result.
/// </summary>
public static class FlipSweepCommand
{
    /// <summary>Exit code when a flipped node served data that differs from a healthy node's.</summary>
    public const int ServedCorruptDataExitCode = 1;

    /// <summary>
    /// Runs <paramref name="flips"/> iterations of the sweep on a fresh 3-node cluster of node processes,
    /// seeded by <paramref name="seed"/>; writes the schedule, the table and the closing line to
    /// <paramref name="output"/>. Returns 0, or <see cref="ServedCorruptDataExitCode"/> when served &gt; 0.
    /// </summary>
    public static async Task<int> RunAsync(int flips, int seed, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(flips, 1);
        ArgumentNullException.ThrowIfNull(output);
        await Task.Yield();
        _ = seed;
        _ = cancellationToken;
        throw new NotImplementedException("the sweep lands in the next commits of branch diskfaults");
    }
}
