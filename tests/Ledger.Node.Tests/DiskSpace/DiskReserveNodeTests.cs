using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.DiskSpace;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>
/// Issue #19 item 6 on one real node whose disk says what the test wants (a fake free-space probe): below
/// the reserve writes are refused with ResourceExhausted naming the cause, the leader proposes nothing,
/// reads, proofs and evidence are served, metrics and readiness raise the alarm, and writes are taken
/// again once space is freed, without a restart.
/// </summary>
[NonParallelizable]
public sealed class DiskReserveNodeTests
{
    private const long Reserve = 64L * 1024 * 1024;

    [Test]
    public async Task BelowReserve_WritesRefusedReadsServedAlarmRaised_FreedSpaceTakesWritesAgain()
    {
        using var consortium = new TestConsortium(1);
        var disk = new FakeFreeSpace(4 * Reserve);
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        await using var node = await StartAsync(consortium, disk, metricsUrl, checkIntervalMilliseconds: 20);
        using var channel = GrpcChannel.ForAddress(node.PublicUrl);
        using var http = new HttpClient();
        var before = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var txHashHex = Convert.ToHexStringLower(before.Receipt.TxHash.Span);
        var evidence = new EvidenceApi.EvidenceApiClient(channel);
        // The bundle needs the block certified (this node's own attestation, made off the apply thread).
        await WaitForEvidenceAsync(evidence, txHashHex);

        disk.Available = Reserve - 1;
        await Eventually.WaitUntilAsync(() => node.Node.DiskSpace.AlarmOn);
        var heightAtAlarm = node.Node.Blocks.LatestHeight;
        var refused = Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }));
        var read = await node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = before.Receipt.TxHash, IncludeReceipt = true });
        var proof = await node.Client.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = before.Receipt.TxHash });
        var bundle = await evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = txHashHex });
        using var readyWhileFull = await http.GetAsync($"{metricsUrl}/readyz");
        var readyText = await readyWhileFull.Content.ReadAsStringAsync();
        using var liveWhileFull = await http.GetAsync($"{metricsUrl}/healthz");
        var metrics = await http.GetStringAsync($"{metricsUrl}/metrics");
        var grpcHealth = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(refused.Status.Detail, Does.StartWith($"disk space below reserve: {Reserve - 1} bytes free, reserve {Reserve}"));
            Assert.That(node.Node.Blocks.LatestHeight, Is.EqualTo(heightAtAlarm), "nothing was written");
            Assert.That(read.BlockHeight, Is.EqualTo(before.Receipt.BlockHeight), "reads are served");
            Assert.That(proof.Proof, Is.Not.Null, "proofs are served");
            Assert.That(bundle.Data.Length, Is.GreaterThan(0), "evidence is served");
            Assert.That(readyWhileFull.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(readyText, Does.StartWith("not ready: disk space below reserve:"));
            Assert.That(liveWhileFull.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a full disk is no reason to restart");
            Assert.That(metrics, Does.Contain($"{DiskSpaceGuard.AlarmName} 1"));
            Assert.That(metrics, Does.Contain($"{DiskSpaceGuard.FreeBytesName} {Reserve - 1}"));
            Assert.That(grpcHealth.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
        });

        disk.Available = 4 * Reserve;
        await Eventually.WaitUntilAsync(() => !node.Node.DiskSpace.AlarmOn);
        var after = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        using var readyAfter = await http.GetAsync($"{metricsUrl}/readyz");

        Assert.Multiple(() =>
        {
            Assert.That(after.Receipt.BlockHeight, Is.GreaterThan(heightAtAlarm), "writes are taken again, without a restart");
            Assert.That(readyAfter.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Leader_DiskFillsAfterTheDoorLetATransactionIn_ProposesNothingAndRefusesIt()
    {
        using var consortium = new TestConsortium(1);
        var disk = new FakeFreeSpace(4 * Reserve);
        // No timer sample during the test: the door keeps seeing the last (good) sample.
        await using var node = await StartAsync(consortium, disk, metricsUrl: null, checkIntervalMilliseconds: 60_000);
        await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var appliedBefore = node.Node.Driver.AppliedIndex;
        var heightBefore = node.Node.Blocks.LatestHeight;

        disk.Available = 1;
        var refused = Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(refused.Status.Detail, Does.StartWith("disk space below reserve: 1 bytes free"));
            Assert.That(node.Node.Blocks.LatestHeight, Is.EqualTo(heightBefore), "no block");
            Assert.That(node.Node.Driver.Status.LastIndex, Is.EqualTo(appliedBefore), "no entry was proposed");
        });
    }

    [Test]
    public async Task Leader_BelowReserve_RefusesTransactionsAFollowerForwards()
    {
        using var consortium = new TestConsortium(1);
        var disk = new FakeFreeSpace(4 * Reserve);
        await using var node = await StartAsync(consortium, disk, metricsUrl: null, checkIntervalMilliseconds: 20);
        var heightBefore = node.Node.Blocks.LatestHeight;
        disk.Available = Reserve - 1;
        await Eventually.WaitUntilAsync(() => node.Node.DiskSpace.AlarmOn);

        // What the peer service's Forward hands over (a lone voter keeps leading: no one to hand over to).
        var response = node.Node.AcceptForwarded(new ForwardRequest { Transactions = { consortium.RegisterWork(), consortium.RegisterWork() } });

        Assert.Multiple(() =>
        {
            Assert.That(response.Errors, Has.Count.EqualTo(2));
            Assert.That(response.Errors, Has.All.StartWith($"{DiskSpaceGuard.RefusalPrefix} {Reserve - 1} bytes free, reserve {Reserve}"),
                "the follower fails its submitters with ResourceExhausted on this prefix");
            Assert.That(node.Node.Blocks.LatestHeight, Is.EqualTo(heightBefore));
        });
    }

    [Test]
    public async Task Leader_BelowReserve_HandsLeadershipToAVoterWithSpace_ClusterTakesWritesAgain()
    {
        using var consortium = new TestConsortium(3);
        var disks = new List<FakeFreeSpace>();
        var nodes = new List<InProcessNode>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var disk = new FakeFreeSpace(4 * Reserve);
                disks.Add(disk);
                nodes.Add(new InProcessNode(consortium.ArgumentsFor(i, [$"--Node:DiskSpace:ReserveBytes={Reserve}", "--Node:DiskSpace:CheckIntervalMilliseconds=20"]), consortium.Nodes[i].PublicUrl));
                await nodes[i].StartAsync(built => built.DiskSpace.ReplaceProbe(disk));
            }

            await Eventually.WaitUntilAsync(() => nodes.Exists(n => n.Node.IsLeader) && nodes.TrueForAll(n => n.Node.RaftStatus.Leader != 0));
            var full = nodes.Find(n => n.Node.IsLeader)!;
            disks[nodes.IndexOf(full)].Available = Reserve - 1;

            // Another voter leads, one whose disk has space (the full node does not win an election back while it refuses).
            await Eventually.WaitUntilAsync(() => nodes.Exists(n => n != full && n.Node.IsLeader) && full.Node.RaftStatus.Leader != full.Node.RaftId && full.Node.RaftStatus.Leader != 0);
            var leader = nodes.Find(n => n != full && n.Node.IsLeader);
            if (leader is null)
            {
                Assert.Inconclusive("leadership moved again before the write");
            }

            var accepted = await leader!.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });

            Assert.Multiple(() =>
            {
                Assert.That(accepted.Receipt.BlockHeight, Is.GreaterThan(0UL), "the cluster takes writes while one node's disk is full");
                Assert.That(full.Node.DiskSpace.AlarmOn, Is.True);
                Assert.That(full.Node.Driver.Fault, Is.Null);
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

    internal static async Task<InProcessNode> StartAsync(TestConsortium consortium, FakeFreeSpace disk, string? metricsUrl, int checkIntervalMilliseconds)
    {
        var extra = new List<string>
        {
            $"--Node:DiskSpace:ReserveBytes={Reserve}",
            $"--Node:DiskSpace:CheckIntervalMilliseconds={checkIntervalMilliseconds}",
        };
        if (metricsUrl is not null)
        {
            extra.AddRange(["--metrics-url", metricsUrl]);
        }

        var node = new InProcessNode(consortium.ArgumentsFor(0, extra), consortium.Nodes[0].PublicUrl);
        await node.StartAsync(built => built.DiskSpace.ReplaceProbe(disk));
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        return node;
    }

    private static async Task WaitForEvidenceAsync(EvidenceApi.EvidenceApiClient evidence, string txHashHex)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = txHashHex });
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
