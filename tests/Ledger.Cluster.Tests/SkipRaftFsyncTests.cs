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
/// unsynced writes would survive it): a node SIGKILLed right after acknowledging an entry restarts with a
/// Raft log that lacks it. Without the switch, an acknowledged entry is always in the log after the kill.
/// </summary>
[NonParallelizable]
public sealed class SkipRaftFsyncTests
{
    /// <summary>Fresh single-node clusters tried; the kill must land inside the flush window (DeferredRaftWrites.FlushIntervalMilliseconds) of one of them.</summary>
    private const int AttemptsMax = 4;

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
    public async Task SkipRaftFsync_NodeKilledRightAfterAnAck_RestartsWithoutTheAcknowledgedEntry()
    {
        var outcomes = new List<string>();
        for (var attempt = 1; attempt <= AttemptsMax; attempt++)
        {
            var (acknowledgedIndex, durable) = await AcknowledgeThenKillAsync(restartWhenLost: true, "--test-bugs=skip-raft-fsync");
            outcomes.Add($"attempt {attempt}: acknowledged raft index {acknowledgedIndex}, durable raft log last index {durable.LastIndex}, commit {durable.Commit}");
            if (durable.LastIndex < acknowledgedIndex)
            {
                TestContext.Out.WriteLine(string.Join(Environment.NewLine, outcomes));
                Assert.Pass($"the acknowledged entry {acknowledgedIndex} is gone after the kill (log ends at {durable.LastIndex})");
            }
        }

        Assert.Fail($"every acknowledged entry survived the kill in {AttemptsMax} attempts:{Environment.NewLine}{string.Join(Environment.NewLine, outcomes)}");
    }

    [Test]
    public async Task WithoutTheSwitch_NodeKilledRightAfterAnAck_ItsRaftLogHoldsTheAcknowledgedEntry()
    {
        var (acknowledgedIndex, durable) = await AcknowledgeThenKillAsync(restartWhenLost: false);

        var detail = $"acknowledged raft index {acknowledgedIndex}, durable log last index {durable.LastIndex}, commit {durable.Commit}";
        Assert.Multiple(() =>
        {
            Assert.That(durable.LastIndex, Is.GreaterThanOrEqualTo(acknowledgedIndex), detail);
            Assert.That(durable.Commit, Is.GreaterThanOrEqualTo(acknowledgedIndex), detail);
        });
    }

    /// <summary>Starts a one-node cluster, has it acknowledge a few submissions, SIGKILLs it right after the last, and reads its Raft log from disk.</summary>
    /// <param name="restartWhenLost">When the entry is lost, start the node again and report (not judge) how it comes back.</param>
    private static async Task<(ulong AcknowledgedIndex, (ulong LastIndex, ulong Commit) Durable)> AcknowledgeThenKillAsync(bool restartWhenLost, params string[] extra)
    {
        using var cluster = ProcessCluster.Start(1, extra);
        var node = await cluster.WaitForLeaderAsync(ElectionTimeout);
        Receipt? last = null;
        for (var i = 0; i < SubmissionsBeforeKill; i++)
        {
            last = (await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(20))).Receipt;
        }

        node.Kill();

        var config = cluster.Consortium.Nodes[0];
        var raftId = RaftNodeIds.Of(config.NodeId);
        (ulong LastIndex, ulong Commit) durable;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(config.DataDirectory, "db"), ChainId = cluster.Consortium.ChainId }))
        {
            var log = new RocksDbRaftLogStorage(database, new ConfState([raftId], []));
            durable = (log.LastIndex(), log.HardState.Commit);
        }

        if (restartWhenLost && durable.LastIndex < last!.Header.RaftIndex)
        {
            node.Start();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            StatusResponse? status = null;
            while (DateTime.UtcNow < deadline && node.IsRunning && (status = await ProcessCluster.TryStatusAsync(node)) is null)
            {
                await Task.Delay(200);
            }

            TestContext.Out.WriteLine($"after the restart: running {node.IsRunning}, status {status}{Environment.NewLine}{node.RecentOutput()}");
        }

        return (last!.Header.RaftIndex, durable);
    }
}
