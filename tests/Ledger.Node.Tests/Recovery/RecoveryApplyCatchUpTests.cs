using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Recovery;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Damage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Node.Tests.Recovery;

/// <summary>
/// Issue #16's byte-flip sweep saw a node whose damaged directory was quarantined answer its first Status
/// "not recovering" at height 0 of 17: Raft leaves recovery once its log holds what the leader committed, before
/// the apply stage has rebuilt a single block. The node must say "recovering" (and readiness NOT_SERVING) until
/// its applied index reaches the commit index Raft had then, and never serve what it has not applied.
/// </summary>
[NonParallelizable]
public sealed class RecoveryApplyCatchUpTests
{
    private const int Registrations = 6;

    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Status_QuarantinedFollowerWhoseLogCaughtUpBeforeItsBlocks_SaysRecoveringAndNotServingUntilApplied()
    {
        // Arrange: a 3-node cluster commits a few registrations; a follower stops and finds recorded damage at its
        // next start, so it quarantines its directory and resyncs from empty. Its apply stage is held after the
        // first entry, so the log catches up (Raft leaves recovery) while the blocks are not rebuilt.
        await using var cluster = await TestCluster.StartAsync(3);
        var height = 0UL;
        for (var i = 0; i < Registrations; i++)
        {
            height = (await SubmitToLeaderAsync(cluster)).Receipt.BlockHeight;
        }

        await cluster.WaitForHeightAsync(height);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await follower.StopAsync();
        RecordDamage(cluster.Consortium, cluster.Nodes.IndexOf(follower));
        using var applyHeld = new ManualResetEventSlim(initialState: false);
        try
        {
            await follower.StartAsync(node => node.Driver.EntryApplied += (_, _) => applyHeld.Wait(WaitMax));
            Assert.That(follower.Node.StartNote, Does.Contain("local disk damage"), "the start quarantined the directory");

            // Act: Raft leaves recovery with the log caught up; the apply stage is still held.
            await Eventually.WaitUntilAsync(() => !follower.Node.RaftStatus.Recovering && follower.Node.RaftStatus.Committed >= leader.Node.RaftStatus.Committed);
            var status = await follower.Client.StatusAsync(new StatusRequest());
            var health = await new NodeHealthCheck(follower.Node).CheckHealthAsync(new HealthCheckContext());
            var unheld = Assert.ThrowsAsync<RpcException>(async () => await follower.Client.GetBlockAsync(new GetBlockRequest { Height = height }));

            // Assert: recovering, naming the quarantine, not ready, and no block it does not hold.
            Assert.Multiple(() =>
            {
                Assert.That(status.Height, Is.LessThan(height));
                Assert.That(status.Recovering, Is.True, "its log caught up, its blocks did not");
                Assert.That(status.Recovery, Does.Contain("rebuilding blocks").And.Contain("local disk damage"));
                Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy));
                Assert.That(unheld!.StatusCode, Is.EqualTo(StatusCode.NotFound), unheld.Status.Detail);
            });
        }
        finally
        {
            applyHeld.Set();
        }

        // Once the blocks are rebuilt up to that commit index, it serves again.
        await Eventually.WaitUntilAsync(() => !follower.Node.Recovery.Recovering);
        var after = await follower.Client.StatusAsync(new StatusRequest());
        var healthAfter = await new NodeHealthCheck(follower.Node).CheckHealthAsync(new HealthCheckContext());
        Assert.Multiple(() =>
        {
            Assert.That(after.Recovering, Is.False);
            Assert.That(after.Height, Is.GreaterThanOrEqualTo(height));
            Assert.That(healthAfter.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(follower.Node.Blocks.GetBlockHash(height), Is.EqualTo(leader.Node.Blocks.GetBlockHash(height)));
        });
    }

    /// <summary>What a node records when it finds damage while running: its next open fails into the quarantine path.</summary>
    private static void RecordDamage(TestConsortium consortium, int node)
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = Path.Combine(consortium.Nodes[node].DataDirectory, "db"),
            ChainId = consortium.ChainId,
        });
        database.RecordDamage(DamagedPart.Block, "a stored block failed verification (test)");
    }

    private static async Task<SubmitResponse> SubmitToLeaderAsync(TestCluster cluster)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync();
            try
            {
                return await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
