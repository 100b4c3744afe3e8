using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests;

/// <summary>
/// The test assembly doubles as a helper executable so crash tests can run a real writer process
/// and kill it with SIGKILL (the test SDK's generated entry point is turned off in the project).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == CrashWriter.Command)
        {
            return CrashWriter.Run(args[1]);
        }

        if (args.Length == 3 && args[0] == CompactionCpuPriorityProbe.Command)
        {
            return CompactionCpuPriorityProbe.Run(args[1], args[2]);
        }

        Console.Error.WriteLine($"usage: Ledger.Storage.Tests {CrashWriter.Command} <data directory> | {CompactionCpuPriorityProbe.Command} <data directory> Normal|Low");
        return 2;
    }
}
