using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Protocol;

namespace Ledger.Cluster.Tests;

/// <summary>Issue #5: a node wiped of its data rejoins through a snapshot (real node processes).</summary>
[NonParallelizable]
public sealed class WipedNodeSnapshotTests
{
    /// <summary>Blocks committed while the wiped node is down: far more than the leader keeps in its log.</summary>
    private const int BlocksWhileDown = 150;

    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private ProcessCluster? cluster;

    [TearDown]
    public void TearDown()
    {
        cluster?.Dispose();
        cluster = null;
    }

    [Test]
    public async Task NodeWipedOfItsData_RejoinsThroughASnapshot_AndItsChainIsIdentical()
    {
        // Arrange: a log kept short, so the wiped node's history is gone from every other node's log.
        cluster = ProcessCluster.Start(
            3,
            "--Node:Fsync=false",
            "--Node:Raft:CompactionRetainEntries=20",
            "--Node:Raft:CompactionIntervalEntries=50",
            "--Node:Snapshots:ChunkBytes=65536",
            "--Logging:LogLevel:Ledger.Node.Snapshots=Information");
        var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
        await SubmitAsync(leader, 10);
        await cluster.WaitForSameHeightAsync(1, CatchUpTimeout);
        var wipedIndex = cluster.Nodes.FindIndex(n => n != leader);
        var wiped = cluster.Nodes[wipedIndex];
        wiped.Kill();
        Directory.Delete(cluster.Consortium.Nodes[wipedIndex].DataDirectory, recursive: true);
        var tip = await SubmitAsync(leader, BlocksWhileDown);

        // Act
        wiped.Start();
        var height = await cluster.WaitForSameHeightAsync(tip, CatchUpTimeout);

        // Assert. The console logger writes from a background queue, so the install line can trail
        // the height the node already reports: give it a bounded moment to reach the captured output.
        for (var attempt = 0; attempt < 100 && !wiped.RecentOutput().Contains("installed: height", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.That(wiped.RecentOutput(), Does.Contain("installed: height"), "the node caught up without a snapshot");
        Assert.That(height, Is.GreaterThanOrEqualTo(tip));
        await LeaderKillTests.AssertIdenticalChainsAsync(cluster, height);
    }

    /// <summary>
    /// Submits one transaction at a time (one block each) to whichever node leads and returns the last
    /// block height. A submission that meets a leader change is retried unchanged (submit is idempotent).
    /// </summary>
    private async Task<ulong> SubmitAsync(NodeProcess leader, int count)
    {
        ulong height = 0;
        for (var i = 0; i < count; i++)
        {
            var transaction = cluster!.Consortium.RegisterWork();
            var deadline = DateTime.UtcNow + ElectionTimeout;
            while (true)
            {
                try
                {
                    var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(10));
                    height = response.Receipt.BlockHeight;
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(RetryDelay);
                    leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
                }
            }
        }

        return height;
    }
}
