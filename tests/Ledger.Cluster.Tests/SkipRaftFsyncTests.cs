using Ledger.Cluster.Tests.Support;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.TestFaults;
using Ledger.Storage;
using Ledger.Storage.Raft;

namespace Ledger.Cluster.Tests;

/// <summary>
/// The planted bug skip-raft-fsync (Node:TestBugs, LEDGER_ENABLE_TEST_BUGS=1) makes a node acknowledge Raft
/// writes before they are durable, in a way a process kill exposes (kill -9 keeps the page cache, so plain
/// unsynced writes would survive it): followers SIGKILLed right after the client's receipt restart with a
/// Raft log that lacks the entry their acknowledgements committed. Without the switch, an acknowledged
/// entry is always in the log after the kill.
/// </summary>
[NonParallelizable]
public sealed class SkipRaftFsyncTests
{
    /// <summary>
    /// Fresh clusters tried. In each, a follower loses the entry unless it flushed (every
    /// DeferredRaftWrites.FlushIntervalMilliseconds) before the leader did: two chances in three.
    /// </summary>
    private const int AttemptsMax = 5;

    /// <summary>Submissions acknowledged in a row before the kill, the last one just before it.</summary>
    private const int SubmissionsBeforeKill = 5;

    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);

    private string? previousVariable;

    [SetUp]
    public void AllowTestBugs()
    {
        // Node processes inherit this process's environment.
        previousVariable = Environment.GetEnvironmentVariable(TestBugs.EnableVariable);
        Environment.SetEnvironmentVariable(TestBugs.EnableVariable, "1");
    }

    [TearDown]
    public void RestoreVariable() => Environment.SetEnvironmentVariable(TestBugs.EnableVariable, previousVariable);

    [Test]
    [Explicit("Timing: the kills must land within a flush interval (1 s) of the receipt. In 5 attempts at a load average of 70 they never did, because the round trip and the kills took longer. The timing-free proofs run in CI: Ledger.Node.Tests PlantedBugTests.SkipRaftFsync_* and Ledger.Storage.Tests DeferredRaftWritesTests.")]
    public async Task SkipRaftFsync_FollowersKilledRightAfterAnAck_OneRestartsWithoutTheAcknowledgedEntry()
    {
        // With the bug a node applies (and so answers) only what is on its own disk, so the leader keeps
        // what it acknowledged to the client; the followers whose acknowledgements made the quorum do not.
        var outcomes = new List<string>();
        for (var attempt = 1; attempt <= AttemptsMax; attempt++)
        {
            using var cluster = ProcessCluster.Start(3, "--test-bugs=skip-raft-fsync");
            var leader = await cluster.WaitForLeaderAsync(ElectionTimeout);
            var acknowledged = await SubmitAsync(cluster, leader);
            var followers = cluster.Nodes.Where(n => n != leader).ToList();
            foreach (var follower in followers)
            {
                follower.Kill();
            }

            foreach (var follower in followers)
            {
                var durable = ReadDurableRaftLog(cluster, cluster.Nodes.IndexOf(follower));
                outcomes.Add($"attempt {attempt}: {follower.NodeId} after the kill: raft log ends at {durable.LastIndex}, commit {durable.Commit}; acknowledged raft index {acknowledged}");
                if (durable.LastIndex < acknowledged)
                {
                    follower.Start();
                    var status = await WaitForStatusAsync(follower);
                    TestContext.Out.WriteLine(string.Join(Environment.NewLine, outcomes));
                    TestContext.Out.WriteLine($"{follower.NodeId} restarted: {status?.ToString() ?? "no status"}");
                    Assert.Pass($"{follower.NodeId} lost the acknowledged entry {acknowledged} (its log ends at {durable.LastIndex})");
                }
            }
        }

        Assert.Fail($"no follower lost an acknowledged entry in {AttemptsMax} attempts:{Environment.NewLine}{string.Join(Environment.NewLine, outcomes)}");
    }

    [Test]
    public async Task WithoutTheSwitch_NodeKilledRightAfterAnAck_ItsRaftLogHoldsTheAcknowledgedEntry()
    {
        using var cluster = ProcessCluster.Start(1);
        var node = await cluster.WaitForLeaderAsync(ElectionTimeout);
        var acknowledgedIndex = await SubmitAsync(cluster, node);
        node.Kill();

        var durable = ReadDurableRaftLog(cluster, 0);

        var detail = $"acknowledged raft index {acknowledgedIndex}, durable log last index {durable.LastIndex}, commit {durable.Commit}";
        Assert.Multiple(() =>
        {
            Assert.That(durable.LastIndex, Is.GreaterThanOrEqualTo(acknowledgedIndex), detail);
            Assert.That(durable.Commit, Is.GreaterThanOrEqualTo(acknowledgedIndex), detail);
        });
    }

    /// <summary>A few submissions acknowledged in a row; the raft index of the last.</summary>
    private static async Task<ulong> SubmitAsync(ProcessCluster cluster, NodeProcess node)
    {
        Receipt? last = null;
        for (var i = 0; i < SubmissionsBeforeKill; i++)
        {
            last = (await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(20))).Receipt;
        }

        return last!.Header.RaftIndex;
    }

    /// <summary>The Raft log of stopped node <paramref name="index"/> as its disk has it.</summary>
    private static (ulong LastIndex, ulong Commit) ReadDurableRaftLog(ProcessCluster cluster, int index)
    {
        var config = cluster.Consortium.Nodes[index];
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(config.DataDirectory, "db"), ChainId = cluster.Consortium.ChainId });
        var founders = new ConfState([.. cluster.Consortium.Nodes.Select(n => RaftNodeIds.Of(n.NodeId))], []);
        var log = new RocksDbRaftLogStorage(database, founders);
        return (log.LastIndex(), log.HardState.Commit);
    }

    private static async Task<StatusResponse?> WaitForStatusAsync(NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        StatusResponse? status = null;
        while (DateTime.UtcNow < deadline && node.IsRunning && (status = await ProcessCluster.TryStatusAsync(node)) is null)
        {
            await Task.Delay(200);
        }

        return status;
    }
}
