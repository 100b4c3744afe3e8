using System.Diagnostics;
using System.Globalization;
using Ledger.Storage.Blocks;

namespace Ledger.Storage.Tests.Blocks;

public sealed class CrashRecoveryTests
{
    private const int BlocksBeforeKill = 25;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    [Test]
    public void WriterKilledWithSigkill_ReopensAtAWholePrefixContainingEveryAcknowledgedBlock()
    {
        using var directory = new TempDirectory();
        var lastAcknowledged = RunWriterAndKill(directory.Path);

        using var database = TestChain.OpenDatabase(directory.Path);
        var store = new BlockStore(database, TestChain.Hashing);

        Assert.That(store.LatestHeight, Is.GreaterThanOrEqualTo(lastAcknowledged), "every synced, acknowledged block survives");
        var previousHash = new byte[32];
        ulong logSize = 0;
        for (ulong height = 1; height <= store.LatestHeight; height++)
        {
            var block = store.GetBlock(height);
            Assert.That(block, Is.Not.Null, $"block {height} of the prefix");
            Assert.That(block!.Header.PrevBlockHash.ToByteArray(), Is.EqualTo(previousHash), $"block {height} links to its predecessor");
            logSize += (ulong)block.Transactions.Count;
            Assert.That(block.Header.LogSize, Is.EqualTo(logSize), $"block {height} log size");
            previousHash = store.GetBlockHash(height)!;
        }

        Assert.That(store.Tip.LogSize, Is.EqualTo(logSize));
        Assert.That(store.LogTree.GetRoot(logSize), Is.EqualTo(store.GetHeader(store.LatestHeight)!.LogRoot.ToByteArray()));
        TestChain.AppendBlocks(store, 2);
        Assert.That(store.GetBlock(store.LatestHeight), Is.Not.Null, "the chain continues after recovery");
    }

    private static ulong RunWriterAndKill(string dataDirectory)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.ArgumentList.Add(CrashWriter.Command);
        start.ArgumentList.Add(dataDirectory);

        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the writer process");
        ulong lastAcknowledged = 0;
        var deadline = Stopwatch.StartNew();
        try
        {
            while (lastAcknowledged < BlocksBeforeKill)
            {
                var line = child.StandardOutput.ReadLine();
                if (line is null)
                {
                    Assert.Fail($"writer exited early with code {(child.WaitForExit(5_000) ? child.ExitCode : -1)}: {child.StandardError.ReadToEnd()}");
                }

                if (line!.StartsWith(CrashWriter.CommittedPrefix, StringComparison.Ordinal))
                {
                    lastAcknowledged = ulong.Parse(line.AsSpan(CrashWriter.CommittedPrefix.Length), CultureInfo.InvariantCulture);
                }

                if (deadline.Elapsed > ChildTimeout)
                {
                    Assert.Fail($"writer acknowledged only {lastAcknowledged} blocks within {ChildTimeout}");
                }
            }
        }
        finally
        {
            // Process.Kill sends SIGKILL on Unix: no flush, no dispose, no finalizers.
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        return lastAcknowledged;
    }
}
