using Ledger.Storage.Blocks;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>Child-process body: appends blocks with synced writes, reporting each commit, until killed.</summary>
internal static class CrashWriter
{
    public const string Command = "crash-writer";
    public const string CommittedPrefix = "committed ";

    // A bound in case the parent test dies without killing us.
    private const int BlocksMax = 100_000;

    public static int Run(string dataDirectory)
    {
        using var database = TestChain.OpenDatabase(dataDirectory, syncWrites: true);
        var store = new BlockStore(database, TestChain.Hashing);
        for (var i = 0; i < BlocksMax; i++)
        {
            var block = TestChain.Next(store, (i % 9) + 1);
            store.Append(block, block.Header.RaftIndex);
            Console.Out.WriteLine($"{CommittedPrefix}{store.LatestHeight}");
            Console.Out.Flush();
        }

        return 0;
    }
}
