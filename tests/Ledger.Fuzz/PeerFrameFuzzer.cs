using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Snapshots;

namespace Ledger.Fuzz;

/// <summary>What a peer-fuzzing run did and found.</summary>
public sealed record PeerFuzzResult(long PeerFrames, long SnapshotCalls, long FramesRefused, int NodeFaults, int ClusterCommitsAfter)
{
    public string ClosingLine => $"peer_frames={PeerFrames} node_faults={NodeFaults} cluster_commits_after={ClusterCommitsAfter}";
}

/// <summary>
/// Structure-aware fuzzing of the peer boundary: a live 3-node cluster (real Kestrel, gRPC, RocksDB)
/// receives, over the real peer service, Raft messages and snapshot chunks that claim to come from a
/// consortium node (an admitted identity). Every field is mutated around the cluster's real values
/// (terms, indexes, entries, contexts, commit indexes, hints, all message kinds including proposals,
/// transfers and local kinds, unknown kinds); snapshot calls carry fake or real certified headers,
/// wrong terms, junk content. Then: no node may have faulted or diverged, and the cluster must commit.
/// <para>
/// Out of scope by construction: a peer that really is the leader of a term (elected, or claiming a newer
/// term with well-formed appends) can append what it likes; Raft tolerates crashes, not a Byzantine
/// leader. So frames that claim leadership (App, Heartbeat) carry at most the target's current term and
/// are sent from a non-leader identity; the boundary must refuse them as not from the leader.
/// </para>
/// </summary>
/// <summary>What the hostile peer sends.</summary>
public enum PeerFuzzMode
{
    /// <summary>Every kind of mutated frame, and snapshot calls.</summary>
    Frames,

    /// <summary>
    /// Only forged recovery claims (<see cref="RaftFrameMutator.NextRecoveryClaim"/>) to both other nodes: the attack
    /// protocol-aware recovery must survive — after it stops, the cluster elects and commits again.
    /// </summary>
    RecoveryClaims,
}

public static class PeerFrameFuzzer
{
    private const int FramesPerSnapshotCall = 500;
    private const int CommitsAfter = 5;
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    public static async Task<PeerFuzzResult> RunAsync(int cases, int seed, TextWriter log, PeerFuzzMode mode = PeerFuzzMode.Frames)
    {
        ArgumentNullException.ThrowIfNull(log);
        var random = new Random(seed);
        await using var cluster = await TestCluster.StartAsync(3).ConfigureAwait(false);
        var consortium = cluster.Consortium;
        await SubmitAsync(cluster, 3).ConfigureAwait(false);

        var leader = await cluster.WaitForEveryNodeToKnowTheLeaderAsync().ConfigureAwait(false);
        var nonLeaders = cluster.Nodes.Where(n => n != leader).ToList();

        // The attacker speaks as one non-leader node to the other two nodes.
        var impersonated = nonLeaders[0].Node.NodeId;
        var targets = cluster.Nodes.Where(n => n.Node.NodeId != impersonated).ToList();
        var streams = targets.Select(t => new FrameStream(consortium.Nodes[cluster.Nodes.IndexOf(t)].PeerUrl)).ToList();
        var fromRaftId = RaftNodeIds.Of(impersonated);
        long frames = 0;
        long snapshotCalls = 0;
        try
        {
            for (var i = 0; i < cases; i++)
            {
                var targetIndex = random.Next(targets.Count);
                var target = targets[targetIndex];
                if (mode == PeerFuzzMode.Frames && i % FramesPerSnapshotCall == FramesPerSnapshotCall - 1)
                {
                    await SendSnapshotCallAsync(random, cluster, target, impersonated).ConfigureAwait(false);
                    snapshotCalls++;
                }

                var status = target.Node.RaftStatus;
                var message = mode == PeerFuzzMode.RecoveryClaims
                    ? RaftFrameMutator.NextRecoveryClaim(random, fromRaftId, status.Id, status.Term, status.LastIndex)
                    : RaftFrameMutator.Next(random, fromRaftId, status.Id, status.Term, status.LastIndex, status.Committed);
                await streams[targetIndex].SendAsync(impersonated, message).ConfigureAwait(false);
                frames++;
                if (frames % 256 == 0)
                {
                    // Let the drive loops keep up: a full input queue only drops frames unseen.
                    await Task.Delay(1).ConfigureAwait(false);
                }

                if (frames % 20_000 == 0)
                {
                    await log.WriteLineAsync($"peer fuzz: {frames} frames, {snapshotCalls} snapshot calls").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Let the cluster settle (the fuzz may have started elections), then it must commit.
        int commits;
        try
        {
            await cluster.WaitForEveryNodeToKnowTheLeaderAsync(WaitMax).ConfigureAwait(false);
            commits = await SubmitAsync(cluster, CommitsAfter).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // A cluster that no longer elects or commits is the finding; the faults below say why.
            await log.WriteLineAsync($"peer fuzz: the cluster did not recover: {e.Message}").ConfigureAwait(false);
            commits = 0;
        }
        var faults = 0;
        long refused = 0;
        foreach (var node in cluster.Nodes)
        {
            refused += node.Node.Driver.PeerBoundary.RefusedCount;
            if (node.Node.Driver.Fault is { } fault)
            {
                faults++;
                await log.WriteLineAsync($"peer fuzz: {node.Node.NodeId} faulted: {fault}").ConfigureAwait(false);
            }

            if (node.Node.Collector.Divergence is { } divergence)
            {
                faults++;
                await log.WriteLineAsync($"peer fuzz: {node.Node.NodeId} diverged: {divergence}").ConfigureAwait(false);
            }
        }

        await log.WriteLineAsync($"peer fuzz: seed {seed}, {snapshotCalls} snapshot calls, {refused} frames refused at the boundary").ConfigureAwait(false);
        return new PeerFuzzResult(frames, snapshotCalls, refused, faults, commits);
    }

    /// <summary>Submits <paramref name="count"/> registrations through the leader; returns how many committed.</summary>
    private static async Task<int> SubmitAsync(TestCluster cluster, int count)
    {
        var committed = 0;
        for (var i = 0; i < count; i++)
        {
            var deadline = DateTime.UtcNow + WaitMax;
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    var leader = await cluster.WaitForLeaderAsync(WaitMax).ConfigureAwait(false);
                    var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(10)).ConfigureAwait(false);
                    if (response.Receipt is not null)
                    {
                        committed++;
                        break;
                    }
                }
                catch (RpcException)
                {
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }
        }

        return committed;
    }

    /// <summary>One InstallSnapshot call with mutated chunks; any refusal is expected, a node fault is not.</summary>
    private static async Task SendSnapshotCallAsync(Random random, TestCluster cluster, InProcessNode target, string impersonated)
    {
        var leader = cluster.Nodes.FirstOrDefault(n => n.IsRunning && n.Node.RaftStatus.Role == RaftRole.Leader);
        // Half the calls speak as the leader (they reach the certification and staging checks), half as the impersonated node.
        var from = leader is not null && random.Next(2) == 0 ? leader.Node.NodeId : impersonated;
        var content = RandomNumberGenerator.GetBytes(random.Next(1, 9000));
        var manifest = new SnapshotManifest
        {
            ChainId = random.Next(8) == 0 ? "another-chain" : cluster.Consortium.ChainId,
            Meta = new RaftSnapshotMeta { Index = (ulong)random.NextInt64(0, 2_000_000), Term = (ulong)random.Next(0, 5) },
            ContentSha256 = ByteString.CopyFrom(random.Next(4) == 0 ? RandomNumberGenerator.GetBytes(32) : SHA256.HashData(content)),
        };
        manifest.Meta.Voters.Add(target.Node.RaftStatus.Id);
        manifest.Files.Add(new SnapshotFile { ColumnFamily = random.Next(2) == 0 ? "registry_state" : "blocks", SizeBytes = (ulong)content.Length });
        if (random.Next(4) == 0)
        {
            // Sizes and formats around their bounds (SnapshotManifests.Validate): a file at or past FileBytesMax, a second
            // file whose size would overflow the sum, a storage format newer than the receiver's.
            manifest.Files[0].SizeBytes = AroundBound(random, SnapshotManifests.FileBytesMax);
            if (random.Next(2) == 0)
            {
                manifest.Files.Add(new SnapshotFile { ColumnFamily = manifest.Files[0].ColumnFamily == "blocks" ? "registry_state" : "blocks", SizeBytes = AroundBound(random, SnapshotManifests.FileBytesMax) });
            }

            manifest.StorageFormatVersion = (uint)random.Next(0, (int)LedgerDatabase.FormatVersion + 3);
        }

        var first = new SnapshotChunk { FromNodeId = from, Manifest = manifest, Term = target.Node.RaftStatus.Term + (ulong)random.Next(0, 2), Offset = 0, Data = ByteString.CopyFrom(content), Last = random.Next(3) != 0 };
        var certified = leader?.Node.Collector.GetCertified(0);
        if (certified is not null && random.Next(3) != 0)
        {
            manifest.Height = certified.Header.Height;
            manifest.LastHeader = certified.Header;
            manifest.LastBlockHash = ByteString.CopyFrom(Core.Blocks.BlockHash.Compute(certified.Header, leader!.Node.Chain.Hash));
            first.LastHeaderAttestations.Add(certified.Attestations.Take(random.Next(0, certified.Attestations.Count + 1)));
        }

        var index = cluster.Nodes.IndexOf(target);
        using var channel = GrpcChannel.ForAddress(cluster.Consortium.Nodes[index].PeerUrl);
        var client = new LedgerPeer.LedgerPeerClient(channel);
        try
        {
            using var call = client.InstallSnapshot(deadline: DateTime.UtcNow.AddSeconds(10));
            await call.RequestStream.WriteAsync(first).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // Refused: what the boundary is for.
        }
    }

    private static ulong AroundBound(Random random, ulong bound) => random.Next(4) switch
    {
        0 => bound,
        1 => bound + 1,
        2 => ulong.MaxValue - (ulong)random.Next(0, 2),
        _ => (ulong)random.NextInt64(1, long.MaxValue),
    };

    /// <summary>A long-lived Exchange stream to one node; reopened when the node cuts it (it refuses undecodable frames that way).</summary>
    private sealed class FrameStream(string peerUrl) : IAsyncDisposable
    {
        private readonly GrpcChannel channel = GrpcChannel.ForAddress(peerUrl);
        private AsyncDuplexStreamingCall<PeerFrame, PeerAck>? call;
        private Task? drain;

        public async Task SendAsync(string fromNodeId, RaftMessage message)
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                call ??= Open();
                try
                {
                    await call.RequestStream.WriteAsync(new PeerFrame { FromNodeId = fromNodeId, Raft = message }).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
                {
                    call.Dispose();
                    call = null;
                }
            }
        }

        private AsyncDuplexStreamingCall<PeerFrame, PeerAck> Open()
        {
            var opened = new LedgerPeer.LedgerPeerClient(channel).Exchange();
            drain = DrainAsync(opened.ResponseStream);
            return opened;
        }

        private static async Task DrainAsync(IAsyncStreamReader<PeerAck> acks)
        {
            try
            {
                while (await acks.MoveNext().ConfigureAwait(false))
                {
                }
            }
            catch (RpcException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (call is not null)
            {
                try
                {
                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
                {
                }

                call.Dispose();
            }

            if (drain is not null)
            {
                await drain.ConfigureAwait(false);
            }

            channel.Dispose();
        }
    }
}
