using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Snapshots;
using Ledger.Node.Tests.Support;
using Ledger.Storage.Snapshots;

namespace Ledger.Node.Tests.Snapshots;

/// <summary>Issue #5: log compaction, and snapshot transfer in chunks with resume over the peer service.</summary>
[NonParallelizable]
public sealed class SnapshotTransferTests
{
    /// <summary>Compact often and keep little, so a node down for a few dozen blocks can only come back through a snapshot.</summary>
    private static readonly string[] AggressiveCompaction =
    [
        "--Node:Raft:CompactionRetainEntries=2",
        "--Node:Raft:CompactionIntervalEntries=4",
        "--Node:Snapshots:ChunkBytes=4096",

        // Only the current leader may send a snapshot: keep leadership stable on a loaded machine (2 s election timeout).
        "--Node:ElectionTicks=100",
    ];

    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task WipedFollower_RejoinsThroughASnapshotOverMutualTls_AndItsChainIsIdentical()
    {
        // Arrange
        await using var cluster = await TestCluster.StartAsync(3, withTls: true, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        await SubmitAsync(consortium, leader, 3);
        var followerIndex = nodes.FindIndex(n => n != leader);
        var follower = nodes[followerIndex];
        await follower.StopAsync();
        Directory.Delete(consortium.Nodes[followerIndex].DataDirectory, recursive: true);

        // The chain grows well past what the leader keeps in its log.
        await SubmitAsync(consortium, leader, 30);
        var firstKept = leader.Node.RaftLogFirstIndex;

        // Act
        await follower.StartAsync();
        await WaitForSameHeightAsync(nodes);
        await SubmitAsync(consortium, leader, 2);
        var height = await WaitForSameHeightAsync(nodes);
        await WaitUntilAsync(() => leader.Node.SnapshotSender.TransfersCompleted >= 1, "the leader never heard that the transfer completed");

        // Assert
        Assert.That(firstKept, Is.GreaterThan(10UL), "the leader compacted its log");
        Assert.That(leader.Node.SnapshotSender.TransfersCompleted, Is.GreaterThanOrEqualTo(1));
        Assert.That(follower.Node.RaftLogFirstIndex, Is.GreaterThan(1UL), "the wiped node's log starts at the snapshot, not at genesis");
        Assert.That(height, Is.GreaterThanOrEqualTo(35UL));
        AssertIdenticalChains(nodes, height);
        Assert.That(follower.Node.Attestations.CertifiedHeight, Is.LessThanOrEqualTo(height));
    }

    [Test]
    public async Task InterruptedTransfer_TheReceiverResumesAtTheStagedOffset()
    {
        // Arrange: a snapshot offer newer than anything the follower applied, cut off half way.
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var followerIndex = nodes.FindIndex(n => n != leader);
        var content = RandomNumberGenerator.GetBytes(20_000);
        var (manifest, attestations) = await CertifiedFakeManifestAsync(consortium, leader, content);
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);
        var from = leader.Node.NodeId;
        var term = leader.Node.RaftStatus.Term;

        // Act
        SnapshotAck cut;
        using (var call = client.InstallSnapshot())
        {
            await call.RequestStream.WriteAsync(WithAttestations(new SnapshotChunk { FromNodeId = from, Manifest = manifest, Term = term, Offset = 0, Data = ByteString.CopyFrom(content, 0, 4096) }, attestations));
            await call.RequestStream.WriteAsync(new SnapshotChunk { FromNodeId = from, Offset = 4096, Data = ByteString.CopyFrom(content, 4096, 4096) });
            await call.RequestStream.CompleteAsync();
            cut = await call.ResponseAsync;
        }

        var probe = await CallAsync(client, WithAttestations(new SnapshotChunk { FromNodeId = from, Manifest = manifest, Term = term, Offset = 0 }, attestations));
        var wrongOffset = await CallAsync(client, WithAttestations(new SnapshotChunk { FromNodeId = from, Manifest = manifest, Term = term, Offset = 100, Data = ByteString.CopyFrom(content, 100, 10) }, attestations));
        var resumed = await CallAsync(client, WithAttestations(new SnapshotChunk { FromNodeId = from, Manifest = manifest, Term = term, Offset = 8192, Data = ByteString.CopyFrom(content, 8192, 4096) }, attestations));

        // Assert
        Assert.That(cut.NextOffset, Is.EqualTo(8192UL));
        Assert.That(cut.Complete, Is.False);
        Assert.That(probe.NextOffset, Is.EqualTo(8192UL), "a new call learns where the staged copy ends");
        Assert.That(wrongOffset.NextOffset, Is.EqualTo(8192UL), "a chunk at the wrong offset is not written");
        Assert.That(resumed.NextOffset, Is.EqualTo(12_288UL));
        Assert.That(nodes[followerIndex].Node.SnapshotReceiver.Staging.ReceivedBytes, Is.EqualTo(12_288UL));
    }

    [Test]
    public async Task SnapshotLargerThanTheDiskCanInstall_IsRefusedWithResourceExhausted_BeforeAnyChunkIsStaged()
    {
        // A 100M-item learner took a 16.8 GB snapshot twice and discarded it twice for lack of space: the
        // receiver now refuses up front what its free space cannot stage and install (three copies at peak).
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var followerIndex = nodes.FindIndex(n => n != leader);
        var content = RandomNumberGenerator.GetBytes(4_096);
        var (manifest, attestations) = await CertifiedFakeManifestAsync(consortium, leader, content);
        manifest.Files[0].SizeBytes = SnapshotManifests.FileBytesMax; // 16 TiB: no test machine has three times that free
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);

        var refused = Assert.ThrowsAsync<RpcException>(() => CallAsync(client, WithAttestations(new SnapshotChunk { FromNodeId = leader.Node.NodeId, Manifest = manifest, Term = leader.Node.RaftStatus.Term, Offset = 0, Data = ByteString.CopyFrom(content) }, attestations)));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(refused.Status.Detail, Does.Contain("no room for the snapshot").And.Contain(SnapshotManifests.FileBytesMax.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(nodes[followerIndex].Node.SnapshotReceiver.Staging.ReceivedBytes, Is.Zero);
        Assert.That(nodes[followerIndex].Node.Driver.Fault, Is.Null);

        // The staging area lives in the data directory, so installs link the staged files: only the staged
        // copy's bytes are counted (once three copies were, which refused a 100M-item learner on a disk that held two).
        Assert.That(nodes[followerIndex].Node.SnapshotReceiver.InstallCopies, Is.Zero);
        Assert.That(refused.Status.Detail, Does.Contain("0 install copies beyond the staged one"));
    }

    [Test]
    public async Task SnapshotOfAnotherChain_IsRefused_BeforeAnythingIsStaged()
    {
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var followerIndex = nodes.FindIndex(n => n != leader);
        var content = RandomNumberGenerator.GetBytes(5_000);
        var manifest = FakeManifest("some-other-chain", content);
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);

        var refused = Assert.ThrowsAsync<RpcException>(() => CallAsync(client, new SnapshotChunk { FromNodeId = leader.Node.NodeId, Manifest = manifest, Term = 1, Offset = 0, Data = ByteString.CopyFrom(content), Last = true }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(refused.Status.Detail, Does.Contain("some-other-chain"));
        Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[followerIndex].DataDirectory, "snapshots", "incoming")), Is.False);
        Assert.That(nodes[followerIndex].Node.Driver.Fault, Is.Null);
    }

    [Test]
    public async Task SnapshotNotNewerThanTheAppliedState_IsAcknowledgedWithoutInstalling()
    {
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        await SubmitAsync(consortium, leader, 2);
        var followerIndex = nodes.FindIndex(n => n != leader);
        await WaitForSameHeightAsync(nodes);
        var content = RandomNumberGenerator.GetBytes(5_000);
        var manifest = FakeManifest(consortium.ChainId, content, raftIndex: 1);
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);
        var heightBefore = nodes[followerIndex].Node.Blocks.LatestHeight;

        var ack = await CallAsync(client, new SnapshotChunk { FromNodeId = leader.Node.NodeId, Manifest = manifest, Term = leader.Node.RaftStatus.Term, Offset = 0, Data = ByteString.CopyFrom(content), Last = true });

        Assert.That(ack.Complete, Is.True);
        Assert.That(nodes[followerIndex].Node.Blocks.LatestHeight, Is.EqualTo(heightBefore));
        Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[followerIndex].DataDirectory, "snapshots", "incoming")), Is.False);
    }

    [Test]
    public async Task SnapshotFromAnAdmittedPeerThatIsNotTheLeader_IsRefused_BeforeAnythingIsStaged()
    {
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var content = RandomNumberGenerator.GetBytes(5_000);
        var (manifest, attestations) = await CertifiedFakeManifestAsync(consortium, leader, content);
        var followers = Enumerable.Range(0, nodes.Count).Where(i => nodes[i] != leader).ToList();
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followers[0]].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);
        var otherFollower = nodes[followers[1]].Node.NodeId;

        var refused = Assert.ThrowsAsync<RpcException>(() => CallAsync(client, WithAttestations(
            new SnapshotChunk { FromNodeId = otherFollower, Manifest = manifest, Term = leader.Node.RaftStatus.Term, Offset = 0, Data = ByteString.CopyFrom(content), Last = true }, attestations)));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(refused.Status.Detail, Does.Contain("not the leader"));
        Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[followers[0]].DataDirectory, "snapshots", "incoming")), Is.False);
    }

    [Test]
    public async Task SnapshotFromTheLeaderWithAnUncertifiedHeader_IsRefused_BeforeAnythingIsStaged()
    {
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var content = RandomNumberGenerator.GetBytes(5_000);
        var (manifest, attestations) = await CertifiedFakeManifestAsync(consortium, leader, content);
        var followerIndex = nodes.FindIndex(n => n != leader);
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);

        // Only the leader's own signature: one of three is no quorum.
        var own = attestations.Where(a => a.NodeId == leader.Node.NodeId).ToList();
        var refused = Assert.ThrowsAsync<RpcException>(() => CallAsync(client, WithAttestations(
            new SnapshotChunk { FromNodeId = leader.Node.NodeId, Manifest = manifest, Term = leader.Node.RaftStatus.Term, Offset = 0, Data = ByteString.CopyFrom(content), Last = true }, own)));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(refused.Status.Detail, Does.Contain("not certified"));
        Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[followerIndex].DataDirectory, "snapshots", "incoming")), Is.False);
    }

    [Test]
    public async Task SnapshotFromTheLeaderWithMoreAttestationsThanNodes_IsRefused_BeforeAnyIsVerified()
    {
        await using var cluster = await TestCluster.StartAsync(3, extraArguments: AggressiveCompaction);
        var consortium = cluster.Consortium;
        var nodes = cluster.Nodes;
        var leader = await WaitForLeaderAsync(nodes);
        var content = RandomNumberGenerator.GetBytes(5_000);
        var (manifest, attestations) = await CertifiedFakeManifestAsync(consortium, leader, content);
        var followerIndex = nodes.FindIndex(n => n != leader);
        using var channel = GrpcChannel.ForAddress(consortium.Nodes[followerIndex].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);

        // The genuine quorum's attestations, repeated past the bound: each would otherwise cost a signature check.
        var repeated = Enumerable.Repeat(attestations, (SnapshotAcceptance.AttestationsMax / attestations.Count) + 1).SelectMany(a => a).ToList();
        Assert.That(repeated, Has.Count.GreaterThan(SnapshotAcceptance.AttestationsMax));
        var refused = Assert.ThrowsAsync<RpcException>(() => CallAsync(client, WithAttestations(
            new SnapshotChunk { FromNodeId = leader.Node.NodeId, Manifest = manifest, Term = leader.Node.RaftStatus.Term, Offset = 0, Data = ByteString.CopyFrom(content), Last = true }, repeated)));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(refused.Status.Detail, Does.Contain($"more than {SnapshotAcceptance.AttestationsMax}"));
        Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[followerIndex].DataDirectory, "snapshots", "incoming")), Is.False);
    }

    /// <summary>
    /// A fake offer of <paramref name="content"/> far ahead in the log whose last header is the leader's latest
    /// certified one (so it passes every check made before staging), with that header's attestations.
    /// </summary>
    private static async Task<(SnapshotManifest Manifest, List<Core.Protocol.Attestation> Attestations)> CertifiedFakeManifestAsync(TestConsortium consortium, InProcessNode leader, byte[] content)
    {
        await SubmitAsync(consortium, leader, 1);
        CertifiedHeader? certified = null;
        await WaitUntilAsync(() => (certified = leader.Node.Collector.GetCertified(0)) is not null, "no header was certified");
        var manifest = FakeManifest(consortium.ChainId, content);
        manifest.Height = certified!.Header.Height;
        manifest.LastHeader = certified.Header;
        manifest.LastBlockHash = ByteString.CopyFrom(Ledger.Core.Blocks.BlockHash.Compute(certified.Header, leader.Node.Chain.Hash));
        return (manifest, [.. certified.Attestations]);
    }

    private static SnapshotChunk WithAttestations(SnapshotChunk chunk, IEnumerable<Core.Protocol.Attestation> attestations)
    {
        chunk.LastHeaderAttestations.Add(attestations);
        return chunk;
    }

    /// <summary>A well-formed offer of <paramref name="content"/> as a blocks file; its height 0 passes every chain check of a fresh node.</summary>
    private static SnapshotManifest FakeManifest(string chainId, byte[] content, ulong raftIndex = 1_000_000)
    {
        var manifest = new SnapshotManifest
        {
            ChainId = chainId,
            Meta = new RaftSnapshotMeta { Index = raftIndex, Term = 1 },
            Height = 0,
            ContentSha256 = ByteString.CopyFrom(SHA256.HashData(content)),
        };
        manifest.Meta.Voters.Add([1, 2, 3]);
        manifest.Files.Add(new SnapshotFile { ColumnFamily = "blocks", SizeBytes = (ulong)content.Length });
        return manifest;
    }

    private static async Task<SnapshotAck> CallAsync(LedgerPeer.LedgerPeerClient client, SnapshotChunk chunk)
    {
        using var call = client.InstallSnapshot();
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
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

    private static async Task<ulong> WaitForSameHeightAsync(List<InProcessNode> nodes)
    {
        var deadline = DateTime.UtcNow + WaitTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var heights = nodes.Select(n => n.Node.Blocks.LatestHeight).Distinct().ToList();
            if (heights.Count == 1 && heights[0] > 0)
            {
                return heights[0];
            }

            foreach (var node in nodes)
            {
                Assert.That(node.Node.Driver.Fault, Is.Null, $"{node.Node.NodeId} stopped on a fault");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"nodes did not converge: heights {string.Join(", ", nodes.Select(n => n.Node.Blocks.LatestHeight))}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + WaitTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure);
            }

            await Task.Delay(20);
        }
    }

    private static void AssertIdenticalChains(List<InProcessNode> nodes, ulong height)
    {
        for (ulong h = 1; h <= height; h++)
        {
            var blocks = nodes.Select(n => Convert.ToHexString(n.Node.Blocks.GetBlock(h)!.ToByteArray())).Distinct().ToList();
            Assert.That(blocks, Has.Count.EqualTo(1), $"nodes disagree on block {h}");
        }
    }
}
