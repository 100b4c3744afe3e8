using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Recovery;

/// <summary>A clean stop leaves nothing for the next start to replay, so restart time does not grow with what was written before it.</summary>
[NonParallelizable]
public sealed class CleanStopTests
{
    [Test]
    public async Task StopAsync_AfterWrites_LeavesNoWriteAheadLogToReplay()
    {
        // Arrange: a node that applied a few blocks (their writes sit in memtables and the write-ahead log).
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        for (var i = 0; i < 20; i++)
        {
            var response = await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork(titleBytes: 500) });
            Assert.That(response.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok));
        }

        var databaseDirectory = Path.Combine(cluster.Consortium.Nodes[0].DataDirectory, "db");
        Assert.That(WriteAheadLogBytes(databaseDirectory), Is.GreaterThan(10_000), "precondition: the writes are in the write-ahead log");

        // Act
        await node.StopAsync();

        // Assert: the memtables were written out, so the log holds nothing to replay (an empty or absent file).
        Assert.That(WriteAheadLogBytes(databaseDirectory), Is.LessThan(4_096));
    }

    private static long WriteAheadLogBytes(string databaseDirectory)
    {
        long bytes = 0;
        foreach (var file in new DirectoryInfo(databaseDirectory).EnumerateFiles("*.log"))
        {
            bytes += file.Length;
        }

        return bytes;
    }
}
