namespace Ledger.Chaos.Disk;

/// <summary>
/// The <c>--sweep-flips N</c> mode of the harness (issue #16's byte-flip figure): the rig's Program calls
/// <see cref="RunAsync"/> and exits with its result.
/// </summary>
public static class FlipSweepCommand
{
    /// <summary>Exit code when a flipped node served data that differs from a healthy node's.</summary>
    public const int ServedCorruptDataExitCode = 1;

    /// <summary>The option that selects this mode: <c>--sweep-flips N [--seed S]</c>.</summary>
    public const string FlipsOption = "--sweep-flips";

    public const string SeedOption = "--seed";

    /// <summary>Nodes skip checksums at open (<see cref="FlipSweepOptions.SkipOpenChecks"/>).</summary>
    public const string SkipOpenChecksOption = "--sweep-skip-open-checks";

    /// <summary>Exit code for a malformed <c>--sweep-flips</c> command line.</summary>
    public const int UsageExitCode = 2;

    public static bool IsRequested(IReadOnlyList<string> args) => args.Contains(FlipsOption);

    /// <summary>Parses <c>--sweep-flips N [--seed S]</c> (seed random and printed when absent), runs the sweep on the console, returns the exit code.</summary>
    public static async Task<int> RunFromCommandLineAsync(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var flips = ValueOf(args, FlipsOption);
        var seed = args.Contains(SeedOption) ? ValueOf(args, SeedOption) : Random.Shared.Next();
        if (flips is null or < 1 || seed is null)
        {
            await Console.Error.WriteLineAsync($"ledger chaos: usage: {FlipsOption} N (N >= 1) [{SeedOption} S] [{SkipOpenChecksOption}]");
            return UsageExitCode;
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        return await RunAsync(flips.Value, seed.Value, Console.Out, interrupted.Token, skipOpenChecks: args.Contains(SkipOpenChecksOption));
    }

    /// <summary>
    /// Runs <paramref name="flips"/> iterations of the sweep on a fresh 3-node cluster of node processes,
    /// seeded by <paramref name="seed"/>; writes the schedule, the table and the closing line to
    /// <paramref name="output"/>. Returns 0, or <see cref="ServedCorruptDataExitCode"/> when served &gt; 0.
    /// </summary>
    public static async Task<int> RunAsync(int flips, int seed, TextWriter output, CancellationToken cancellationToken = default, bool skipOpenChecks = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(flips, 1);
        ArgumentNullException.ThrowIfNull(output);
        var report = await new FlipSweep(new FlipSweepOptions { Flips = flips, Seed = seed, SkipOpenChecks = skipOpenChecks }, output).RunAsync(cancellationToken);
        return report.Served == 0 ? 0 : ServedCorruptDataExitCode;
    }

    private static int? ValueOf(IReadOnlyList<string> args, string option)
    {
        var index = args.ToList().IndexOf(option);
        return index >= 0 && index + 1 < args.Count && int.TryParse(args[index + 1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
