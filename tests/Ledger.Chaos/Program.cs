using Ledger.Chaos.Disk;
using Ledger.Chaos.Options;
using Ledger.Chaos.Run;

namespace Ledger.Chaos;

/// <summary>
/// Entry point of the chaos harness (issue #16): <c>--minutes M --rate R --seed S [--nodes 3] [--bug NAME]
/// [--faults kinds] [--schedule-only]</c>. Exit 0: no violation; 1: a violation (seed, schedule and the
/// smallest history slice printed); 2: bad options. <c>--sweep-flips N</c> runs the byte-flip sweep instead.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The byte-flip sweep (diskfaults): keep these two lines when merging the rig's Program.
        if (FlipSweepCommand.IsRequested(args))
        {
            return await FlipSweepCommand.RunFromCommandLineAsync(args).ConfigureAwait(false);
        }

        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return await ChaosCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
        }

        if (!ChaosCommandLine.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"ledger chaos: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(ChaosCommandLine.Usage()).ConfigureAwait(false);
            return ChaosCommandLine.ExitUsage;
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        var result = await ChaosRun.RunAsync(options, Console.Out, cancel: interrupted.Token).ConfigureAwait(false);
        return result.ExitCode;
    }
}
