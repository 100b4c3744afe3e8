using System.Buffers.Binary;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Raft;
using RocksDbSharp;

namespace Ledger.Node.Tests;

/// <summary>
/// A node whose own Raft log is damaged on disk stops: it names the damage and the recovery, does not
/// vote or serve, and the rest of the cluster goes on without it. A restart repairs damage confined
/// to entries it had already applied (by compacting past them) and refuses any other damage with the
/// same message instead of replaying into it.
/// </summary>
[NonParallelizable]
public sealed class LocalRaftDamageTests
{
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    [Test]
    public async Task DamagedEntryRead_ToCatchUpAFollower_LeaderStopsNamingTheDamage_OthersGoOn_RestartCompactsPastItAndRejoins()
    {
        // Arrange: the leader commits ten registrations with one follower while the other is stopped,
        // then stops; one of those entries is damaged on its disk (not the first or last, which a
        // start checks); it restarts and leads again, so catching the stopped follower up reads it.
        await using var cluster = await TestCluster.StartAsync(3);
        var damaged = await cluster.WaitForLeaderAsync();
        var lagging = cluster.Nodes.First(n => n != damaged);
        var healthy = cluster.Nodes.First(n => n != damaged && n != lagging);
        var firstMissed = lagging.Node.RaftStatus.LastIndex + 1;
        await lagging.StopAsync();
        ulong height = 0;
        for (var i = 0; i < 10; i++)
        {
            // Committed by the two running nodes, so both hold every entry whoever leads.
            height = (await SubmitToLeaderAsync(cluster)).Receipt.BlockHeight;
        }

        await Eventually.WaitUntilAsync(() => damaged.Node.Blocks.LatestHeight >= height);

        var damagedIndex = firstMissed + 2;
        await damaged.StopAsync();
        FlipLastByteOfEntry(cluster.Consortium, cluster.Nodes.IndexOf(damaged), damagedIndex);
        await damaged.StartAsync();
        await LeadAsync(damaged, healthy);

        // Act
        await lagging.StartAsync();
        await Eventually.WaitUntilAsync(() => damaged.Node.Driver.Fault is not null);

        // Assert: the damage is named, with its index and the recovery, in the fault and the status.
        var fault = damaged.Node.Driver.Fault as RaftLogCorruptionException;
        Assert.That(fault, Is.Not.Null, $"expected local damage, got {damaged.Node.Driver.Fault}");
        Assert.That(fault!.Index, Is.EqualTo(damagedIndex));
        var status = await damaged.Client.StatusAsync(new StatusRequest());
        Assert.That(status.Fault, Does.Contain("local disk corruption").And.Contain(RaftLogCorruptionException.Recovery));
        Assert.That(status.Role, Is.Not.EqualTo("Leader"));
        var refused = Assert.ThrowsAsync<RpcException>(async () => await damaged.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }));
        // Runtime damage is DataLoss (the node halts and exits into the repair-from-peers path), never a retryable Unavailable.
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.DataLoss), refused.Status.Detail);

        // The other two elect a leader between them and the lagging follower catches up from it.
        await Eventually.WaitUntilAsync(() => healthy.Node.IsLeader || lagging.Node.IsLeader);
        await Eventually.WaitUntilAsync(() => lagging.Node.Blocks.LatestHeight >= height);
        Assert.That(lagging.Node.Blocks.GetBlockHash(height), Is.EqualTo(healthy.Node.Blocks.GetBlockHash(height)));

        // The damaged entry was already applied here: a restart compacts the log past it and the
        // node rejoins, serving again and following the chain.
        await damaged.StopAsync();
        await damaged.StartAsync();
        var after = (await SubmitToLeaderAsync(cluster)).Receipt.BlockHeight;
        await Eventually.WaitUntilAsync(() => damaged.Node.Blocks.LatestHeight >= after);
        Assert.Multiple(() =>
        {
            Assert.That(damaged.Node.Driver.Fault, Is.Null);
            Assert.That(damaged.Node.Blocks.GetBlockHash(after), Is.EqualTo(healthy.Node.Blocks.GetBlockHash(after)));
        });
    }

    [Test]
    public async Task DamagedHardState_RestartRefusesWithTheMessage_ExitCodeThree_NoStackTrace()
    {
        // Arrange: a single node that has committed one registration, stopped, its hard state damaged.
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        await node.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
        await node.StopAsync();
        RewriteRaftRecord(cluster.Consortium, 0, "raft_state", "hard_state"u8.ToArray(), record => record[^1] ^= 0x01);

        // Act
        var (exitCode, standardError) = await RunNodeProgramAsync(cluster.Consortium.ArgumentsFor(0));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitStorage));
            // A single node has no peers to resync from: it refuses, naming the damage, the directory and the commands.
            Assert.That(standardError, Does.Contain("hard state").And.Contain("no peers to resync from").And.Contain("Restore its data from a backup").And.Contain("mv '"));
            Assert.That(standardError, Does.Not.Contain(" at Ledger."), "no stack trace");
        });
    }

    private static async Task<SubmitResponse> SubmitToLeaderAsync(TestCluster cluster)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (true)
        {
            var leader = cluster.Nodes.FirstOrDefault(n => n.IsRunning && n.Node.IsLeader && n.Node.Driver.Fault is null);
            if (leader is not null)
            {
                try
                {
                    return await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
                {
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("no leader accepted a submission");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Makes <paramref name="target"/> the leader (transferring from <paramref name="current"/> when it leads).</summary>
    private static async Task LeadAsync(InProcessNode target, InProcessNode current)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (!target.Node.IsLeader)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{target.Node.NodeId} did not become leader");
            }

            if (current.Node.IsLeader)
            {
                current.Node.Driver.TryTransferLeadership(target.Node.RaftId);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Rewrites the stored record of entry <paramref name="index"/> with its last byte flipped, as a failing disk would.</summary>
    private static void FlipLastByteOfEntry(TestConsortium consortium, int node, ulong index)
    {
        // The raft_log column family keys entries by big-endian index.
        var key = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(key, index);
        RewriteRaftRecord(consortium, node, "raft_log", key, record => record[^1] ^= 0x01);
    }

    private static void RewriteRaftRecord(TestConsortium consortium, int node, string columnFamily, byte[] key, Action<byte[]> damage)
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = Path.Combine(consortium.Nodes[node].DataDirectory, "db"),
            ChainId = consortium.ChainId,
        });
        var family = columnFamily == "raft_log" ? database.RaftLog : database.RaftState;
        var record = database.Get(family, key) ?? throw new InvalidOperationException($"nothing stored under the key in {columnFamily}");
        damage(record);
        using var batch = new WriteBatch();
        batch.Put(key, record, family);
        database.Write(batch, sync: true);
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
