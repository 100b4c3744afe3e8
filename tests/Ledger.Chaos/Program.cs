using Ledger.Chaos.Disk;

namespace Ledger.Chaos;

/// <summary>Entry point of the chaos harness (issue #16); the rig fills it in.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The byte-flip sweep (diskfaults): keep these two lines when merging the rig's Program.
        if (FlipSweepCommand.IsRequested(args))
        {
            return await FlipSweepCommand.RunFromCommandLineAsync(args);
        }

        await Console.Error.WriteLineAsync("ledger chaos harness: not wired yet");
        return 2;
    }
}
