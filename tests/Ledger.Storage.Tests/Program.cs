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

        Console.Error.WriteLine($"usage: Ledger.Storage.Tests {CrashWriter.Command} <data directory>");
        return 2;
    }
}
