using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Integrity;

/// <summary>
/// A snapshot install clears and refills the state under a running scan: the scan must not take the
/// gap for damage. A follower with blocks of its own, scanning without pause, catches up through a
/// snapshot and stays healthy.
/// </summary>
[NonParallelizable]
public sealed class IntegrityScanSnapshotTests
{
    private static readonly string[] CompactAndScanWithoutPause =
    [
        "--Node:Raft:CompactionRetainEntries=2",
        "--Node:Raft:CompactionIntervalEntries=4",
        "--Node:Snapshots:ChunkBytes=4096",
        "--Node:ElectionTicks=100",
        "--Node:IntegrityScan:StartDelaySeconds=0",
        "--Node:IntegrityScan:PassIntervalSeconds=0",
        $"--Node:IntegrityScan:BytesPerSecond={1024 * 1024 * 1024}",
    ];

    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task LaggingFollowerScanningWithoutPause_CatchesUpThroughASnapshot_NoDamageReported()
    {
        // Arrange: a follower holds the first blocks, then stops while the chain grows past the leader's log.
        using var consortium = new TestConsortium(3);
        var nodes = Enumerable.Range(0, 3).Select(i => new InProcessNode(consortium.ArgumentsFor(i, CompactAndScanWithoutPause), consortium.Nodes[i].PublicUrl)).ToList();
        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync();
            }

            var leader = await WaitForLeaderAsync(nodes);
            await SubmitAsync(consortium, leader, 5);
            var follower = nodes.First(n => n != leader);
            await Eventually.WaitUntilAsync(() => follower.Node.Blocks.LatestHeight >= 5);
            await follower.StopAsync();
            await SubmitAsync(consortium, leader, 30);

            // Act
            await follower.StartAsync();
            await Eventually.WaitUntilAsync(() => follower.Node.Blocks.LatestHeight >= leader.Node.Blocks.LatestHeight);
            await Eventually.WaitUntilAsync(() => leader.Node.SnapshotSender.TransfersCompleted >= 1);
            var passesAfterCatchUp = follower.Node.IntegrityScan.Runner.PassesCompleted;
            await Eventually.WaitUntilAsync(() => follower.Node.IntegrityScan.Runner.PassesCompleted > passesAfterCatchUp);

            // Assert
            Assert.Multiple(() =>
            {
                Assert.That(follower.Node.Damage.Current, Is.Null, follower.Node.Damage.Current?.Description);
                Assert.That(follower.Node.Driver.Fault, Is.Null);
                Assert.That(nodes.Select(n => n.Node.Damage.Current), Is.All.Null);
            });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task SubmitAsync(TestConsortium consortium, InProcessNode leader, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await leader.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.Add(WaitTimeout));
        }
    }

    private static async Task<InProcessNode> WaitForLeaderAsync(List<InProcessNode> nodes)
    {
        var deadline = DateTime.UtcNow + WaitTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var leader = nodes.FirstOrDefault(n => n.IsRunning && n.Node.RaftStatus.Role == RaftRole.Leader);
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no leader was elected");
    }
}
