using System.Net;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.DiskSpace;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>
/// Issue #19 item 6 on real small volumes (tmpfs; ignored with the reason where none can be mounted).
/// The dev-node report: a 60 MB volume filled during a bulk run, and the node stopped for good with
/// "applying a committed entry failed; the state machine no longer follows the log". Here a node's volume
/// fills: writes are refused with ResourceExhausted naming the cause, reads go on, the alarm shows in
/// metrics and readiness, writes resume once space is freed without a restart, and nothing acknowledged is
/// lost (checked again after a restart). A follower whose disk fills completely (the reserve cannot stop
/// its leader) pauses instead of faulting, and catches up once space is back.
/// </summary>
[NonParallelizable]
public sealed class DiskFullVolumeTests
{
    private const long VolumeBytes = 192L * 1024 * 1024;
    private const long Reserve = 48L * 1024 * 1024;

    private static readonly string[] SmallStorage =
    [
        "--Node:Storage:WriteBufferBytes=4194304",
        "--Node:Storage:MemtableBudgetBytes=16777216",
        "--Node:Storage:BlockCacheBytes=8388608",
        "--Node:Storage:WalBytesMax=16777216",
        "--Node:IntegrityScan:Enabled=false",
        "--Node:DiskSpace:CheckIntervalMilliseconds=50",
    ];

    [Test]
    public async Task VolumeFillsBelowReserve_WritesRefusedReadsServed_FreedSpaceResumesWithoutRestart_NothingAcknowledgedLost()
    {
        using var volume = SmallVolume.MountOrIgnore(VolumeBytes);
        using var consortium = new TestConsortium(1);
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        string[] arguments = [.. consortium.ArgumentsFor(0, [.. SmallStorage, $"--Node:DiskSpace:ReserveBytes={Reserve}", "--metrics-url", metricsUrl]),
            "--data-dir", Path.Combine(volume.Path, "node-1")];
        var acknowledged = new List<Google.Protobuf.ByteString>();
        var node = new InProcessNode(arguments, consortium.Nodes[0].PublicUrl);
        try
        {
            await node.StartAsync();
            await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
            await SubmitAsync(node, consortium, 20, acknowledged);

            volume.FillLeaving(Reserve / 2);
            await Eventually.WaitUntilAsync(() => node.Node.DiskSpace.AlarmOn);
            var refused = Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }));
            using var http = new HttpClient();
            using var ready = await http.GetAsync($"{metricsUrl}/readyz");
            var readyText = await ready.Content.ReadAsStringAsync();
            var metrics = await http.GetStringAsync($"{metricsUrl}/metrics");
            var reads = await ReadAllAsync(node, acknowledged);

            Assert.Multiple(() =>
            {
                Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
                Assert.That(refused.Status.Detail, Does.Match($@"^disk space below reserve: \d+ bytes free, reserve {Reserve}"));
                Assert.That(reads, Is.EqualTo(acknowledged.Count), "every acknowledged transaction is read back while the disk is full");
                Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(readyText, Does.Contain("disk space below reserve"));
                Assert.That(metrics, Does.Contain($"{DiskSpaceGuard.AlarmName} 1"));
                Assert.That(node.Node.Driver.Fault, Is.Null);
            });

            volume.Free();
            await Eventually.WaitUntilAsync(() => !node.Node.DiskSpace.AlarmOn);
            await SubmitAsync(node, consortium, 10, acknowledged);
            using var readyAfter = await http.GetAsync($"{metricsUrl}/readyz");
            Assert.That(readyAfter.StatusCode, Is.EqualTo(HttpStatusCode.OK), await readyAfter.Content.ReadAsStringAsync());

            // Nothing acknowledged is lost, also across a restart on the same volume.
            await node.StopAsync();
            node = new InProcessNode(arguments, consortium.Nodes[0].PublicUrl);
            await node.StartAsync();
            await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
            Assert.That(await ReadAllAsync(node, acknowledged), Is.EqualTo(acknowledged.Count));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Test]
    public async Task FollowerVolumeFillsCompletely_FollowerPausesInsteadOfFaulting_CatchesUpOnceSpaceIsFreed()
    {
        using var consortium = new TestConsortium(3);
        var volumes = new List<SmallVolume>();
        var nodes = new List<InProcessNode>();
        var acknowledged = new List<Google.Protobuf.ByteString>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                volumes.Add(SmallVolume.MountOrIgnore(VolumeBytes));
                // A small reserve: the leader's and the other follower's disks stay well above it.
                nodes.Add(new InProcessNode(
                    [.. consortium.ArgumentsFor(i, [.. SmallStorage, "--Node:DiskSpace:ReserveBytes=8388608"]), "--data-dir", Path.Combine(volumes[i].Path, consortium.Nodes[i].NodeId)],
                    consortium.Nodes[i].PublicUrl));
                await nodes[i].StartAsync();
            }

            await Eventually.WaitUntilAsync(() => nodes.Exists(n => n.Node.IsLeader) && nodes.TrueForAll(n => n.Node.RaftStatus.Leader != 0));
            var victimIndex = (nodes.FindIndex(n => n.Node.IsLeader) + 1) % 3;
            var victim = nodes[victimIndex];
            await SubmitToLeaderAsync(nodes, victim, consortium, 5, acknowledged);

            // Completely full: the follower cannot refuse what its leader replicates, so its writes fail.
            volumes[victimIndex].FillLeaving(0);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!victim.Node.StorageWrites.Paused && DateTime.UtcNow < deadline)
            {
                await SubmitToLeaderAsync(nodes, victim, consortium, 5, acknowledged);
            }

            Assert.Multiple(() =>
            {
                Assert.That(victim.Node.StorageWrites.Paused, Is.True, "the follower's storage writes wait for space");
                Assert.That(victim.Node.Driver.Fault, Is.Null, "and its Raft loop did not stop");
                Assert.That(victim.Node.AttestationWorker.Fault, Is.Null, "nor its attestation work");
                Assert.That(victim.Node.Readiness.Ready().IsHealthy, Is.False);
                Assert.That(victim.Node.Readiness.Live().IsHealthy, Is.True, "alive: a restart would not help");
            });

            volumes[victimIndex].Free();
            var target = nodes.Max(n => n.Node.Blocks.LatestHeight);
            await Eventually.WaitUntilAsync(() => victim.Node.Blocks.LatestHeight >= target && !victim.Node.StorageWrites.Paused);
            await SubmitToLeaderAsync(nodes, victim, consortium, 5, acknowledged);
            var final = nodes.Where(n => n != victim).Max(n => n.Node.Blocks.LatestHeight);
            await Eventually.WaitUntilAsync(() => victim.Node.Blocks.LatestHeight >= final);

            Assert.Multiple(async () =>
            {
                Assert.That(victim.Node.Driver.Fault, Is.Null);
                Assert.That(victim.Node.AttestationWorker.Fault, Is.Null);
                Assert.That(await ReadAllAsync(victim, acknowledged), Is.EqualTo(acknowledged.Count), "the follower holds every acknowledged transaction");
            });
            await Eventually.WaitUntilAsync(() => victim.Node.Readiness.Ready().IsHealthy);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            foreach (var volume in volumes)
            {
                volume.Dispose();
            }
        }
    }

    private static async Task SubmitAsync(InProcessNode node, TestConsortium consortium, int count, List<Google.Protobuf.ByteString> acknowledged)
    {
        for (var i = 0; i < count; i++)
        {
            var response = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork(titleBytes: 500) });
            acknowledged.Add(response.Receipt.TxHash);
        }
    }

    /// <summary>
    /// Submits through whichever healthy node leads now: on a loaded machine leadership may move between
    /// the other two nodes (Unavailable is retried there with the same signed transaction).
    /// </summary>
    private static async Task SubmitToLeaderAsync(List<InProcessNode> nodes, InProcessNode victim, TestConsortium consortium, int count, List<Google.Protobuf.ByteString> acknowledged)
    {
        for (var i = 0; i < count; i++)
        {
            var transaction = consortium.RegisterWork(titleBytes: 500);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (victim.Node.IsLeader)
                {
                    // Below its reserve a leader refuses writes for the whole cluster (as etcd's NOSPACE alarm does): hand over.
                    victim.Node.Driver.TryTransferLeadership(nodes.First(n => n != victim).Node.RaftId);
                }

                var leader = nodes.Find(n => n != victim && n.Node.IsLeader);
                try
                {
                    if (leader is null)
                    {
                        throw new RpcException(new Status(StatusCode.Unavailable, "no leader among the healthy nodes yet"));
                    }

                    var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
                    acknowledged.Add(response.Receipt.TxHash);
                    break;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    private static async Task<int> ReadAllAsync(InProcessNode node, List<Google.Protobuf.ByteString> hashes)
    {
        var found = 0;
        foreach (var hash in hashes)
        {
            var read = await node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = hash });
            found += read.BlockHeight > 0 ? 1 : 0;
        }

        return found;
    }
}
