using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Raft;

namespace Ledger.Node.Tests.Hosting;

/// <summary>
/// A data directory whose records all pass their checksums but whose Raft state breaks a Raft
/// invariant (here: blocks applied beyond the persisted commit index) stops the node at start with one
/// message naming the directory and the commands, and its own exit code, never a stack trace.
/// </summary>
[NonParallelizable]
public sealed class InconsistentRaftStateStartTests
{
    [Test]
    public async Task RunAsync_AppliedIndexAheadOfThePersistedCommit_RefusesNamingTheDirectoryAndTheCommands_ExitCodeFive_NoStackTrace()
    {
        // Arrange: a single node that applied a registration, stopped, its persisted commit index moved back
        // to its log's start (a state no correct run writes: the blocks are applied beyond it).
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
        await node.StopAsync();
        var databaseDirectory = Path.Combine(cluster.Consortium.Nodes[0].DataDirectory, "db");
        MoveCommitBackToTheLogStart(cluster.Consortium, databaseDirectory);

        // Act
        var (exitCode, standardError) = await RunNodeProgramAsync(cluster.Consortium.ArgumentsFor(0));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitInconsistentState));
            Assert.That(standardError, Does.Contain($"the Raft state stored in '{databaseDirectory}' is inconsistent")
                .And.Contain("applied index").And.Contain("beyond the commit index"));
            // No peers: the commands restore a backup or start a new ledger.
            Assert.That(standardError, Does.Contain($"mv '{databaseDirectory}' '{databaseDirectory}.inconsistent'").And.Contain("Restore its data from a backup"));
            Assert.That(standardError, Does.Not.Contain(" at Ledger."), "no stack trace");
            Assert.That(standardError.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
        });
    }

    [Test]
    public void Message_NodeWithPeers_SaysMoveTheDirectoryAsideAndItResyncsFromItsPeers()
    {
        var invariant = new RaftInvariantException("Configured applied index 9 is beyond the commit index 1.");

        var refusal = new InconsistentRaftStateException(invariant, "/data/node-2/db", hasPeers: true);

        Assert.That(refusal.Message, Does.Contain("'/data/node-2/db' is inconsistent: Configured applied index 9 is beyond the commit index 1. ")
            .And.Contain("`mv '/data/node-2/db' '/data/node-2/db.inconsistent'`").And.Contain("catches up from the leader")
            .And.Not.Contain("backup"));
    }

    private static void MoveCommitBackToTheLogStart(TestConsortium consortium, string databaseDirectory)
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = databaseDirectory, ChainId = consortium.ChainId });
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([], []));
        var logStart = raftLog.FirstIndex() - 1;
        Assert.That(raftLog.HardState.Commit, Is.GreaterThan(logStart), "the node committed past its log start");
        raftLog.Persist(null, [], raftLog.HardState with { Commit = logStart }, sync: true);
    }

    private static async Task<(int ExitCode, string StandardError)> RunNodeProgramAsync(string[] arguments)
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var exitCode = await NodeProgram.RunAsync(arguments);
            return (exitCode, captured.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
