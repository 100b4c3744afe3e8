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
/// vote or serve, the rest of the cluster goes on without it, and a restart refuses with the same
/// message instead of replaying into the damage.
/// </summary>
[NonParallelizable]
public sealed class LocalRaftDamageTests
{
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    [Test]
    public async Task DamagedEntryRead_ToCatchUpAFollower_LeaderStopsNamingTheDamage_OthersGoOn_RestartRefuses()
    {
        // Arrange: the leader commits ten registrations with one follower while the other is stopped,
        // then stops; one of those entries is damaged on its disk (not the first or last, which a
        // start checks); it restarts and leads again, so catching the stopped follower up reads it.
        await using var cluster = await TestCluster.StartAsync(3);
        var damaged = await cluster.WaitForLeaderAsync();
        var lagging = cluster.Nodes.First(n => n != damaged);
        var healthy = cluster.Nodes.First(n => n != damaged && n != lagging);
        await lagging.StopAsync();
        var firstMissed = damaged.Node.RaftStatus.LastIndex + 1;
        ulong height = 0;
        for (var i = 0; i < 10; i++)
        {
            height = (await damaged.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.BlockHeight;
        }

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
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(refused.Status.Detail, Does.Contain(RaftLogCorruptionException.Recovery));

        // The other two elect a leader between them and the lagging follower catches up from it.
        await Eventually.WaitUntilAsync(() => healthy.Node.IsLeader || lagging.Node.IsLeader);
        await Eventually.WaitUntilAsync(() => lagging.Node.Blocks.LatestHeight >= height);
        Assert.That(lagging.Node.Blocks.GetBlockHash(height), Is.EqualTo(healthy.Node.Blocks.GetBlockHash(height)));

        // A restart with the damage present refuses at once, with the message and no stack trace.
        await damaged.StopAsync();
        var (exitCode, standardError) = await RunNodeProgramAsync(cluster.Consortium.ArgumentsFor(cluster.Nodes.IndexOf(damaged)));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitStorage));
            Assert.That(standardError, Does.Contain($"entry {damagedIndex}").And.Contain(RaftLogCorruptionException.Recovery));
            Assert.That(standardError, Does.Not.Contain(" at Ledger."), "no stack trace");
        });
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
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = Path.Combine(consortium.Nodes[node].DataDirectory, "db"),
            ChainId = consortium.ChainId,
        });
        // The raft_log column family keys entries by big-endian index.
        var key = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(key, index);
        var record = database.Get(database.RaftLog, key) ?? throw new InvalidOperationException($"entry {index} is not stored");
        record[^1] ^= 0x01;
        using var batch = new WriteBatch();
        batch.Put(key, record, database.RaftLog);
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
