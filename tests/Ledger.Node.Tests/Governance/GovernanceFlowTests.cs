using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Tests.Support;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Queries;

namespace Ledger.Node.Tests.Governance;

/// <summary>
/// The governance flow end to end on real nodes (loopback gRPC, mutual TLS, RocksDB): members and nodes
/// join and leave by vote, and node changes carry through to Raft's membership and to who certifies blocks.
/// </summary>
[NonParallelizable]
public sealed class GovernanceFlowTests
{
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ThreeFounders_AddMemberAndFourthNodeByVote_RotateAKey_RemoveANode()
    {
        await using var cluster = await TestCluster.StartAsync(3, withTls: true);
        var consortium = cluster.Consortium;
        var transactions = new GovernanceTransactionFactory(consortium.ChainId);
        var suite = CryptoSuites.P256Sha256;

        // A second admin makes every later change need a proposal and a vote (majority of 2 admins = 2).
        var admin2 = suite.GenerateKeyPair();
        await SubmitOkAsync(cluster, transactions.AddMember(consortium.Admin, "admin-2", MemberRole.Admin, admin2));

        // node-4 is started first, from genesis with its own key and CA-issued certificate, told where the
        // founders are. Not being a node yet, it replays nothing and must not campaign.
        var node4 = consortium.CreateJoiningNode("node-4");
        var peerFlags = consortium.Nodes.Take(3).Select((n, i) => $"--Node:Peers:{i}={n.NodeId}={n.PeerUrl}").ToList();
        var joiner = new InProcessNode(consortium.ArgumentsFor(3, peerFlags), node4.PublicUrl);
        cluster.Nodes.Add(joiner);
        await joiner.StartAsync();
        Assert.That(joiner.Node.Directory.IsJoining, Is.True);

        // Member X and node-4 are proposed by admin-1 and pass with admin-2's vote.
        var memberKey = suite.GenerateKeyPair();
        var proposeMember = await SubmitOkAsync(cluster, transactions.AddMember(consortium.Admin, "member-x", MemberRole.RightsHolder, memberKey));
        var proposeNode = await SubmitOkAsync(cluster, transactions.AddNode(consortium.Admin, "node-4", node4.PeerUrl, node4.Key));
        var leader = await cluster.WaitForLeaderAsync();
        Assert.That(leader.Node.Directory.Nodes.Find("node-4"), Is.Null, "one admin's proposal alone must not add the node");
        Assert.That(joiner.Node.RaftStatus.Role, Is.EqualTo(RaftRole.Follower), "a node outside the membership never campaigns");
        Assert.That(joiner.Node.RaftStatus.Term, Is.EqualTo(RaftBootstrap.FoundingTerm), "nor raises its term");
        await SubmitOkAsync(cluster, transactions.Vote(admin2, proposeMember.TxHash));
        var nodeAdded = await SubmitOkAsync(cluster, transactions.Vote(admin2, proposeNode.TxHash));
        await WaitUntilAsync(async () => await EveryRunningNodeHasVotersAsync(cluster, ["node-1", "node-2", "node-3", "node-4"]), "node-4 becomes a voter on every node");

        var probe = await SubmitOkAsync(cluster, consortium.RegisterWork());
        await cluster.WaitForHeightAsync(probe.BlockHeight, WaitMax);
        AssertChainsIdentical(cluster, probe.BlockHeight);
        Assert.That(joiner.Node.Directory.IsJoining, Is.False);
        Assert.That(joiner.Node.Collector.QuorumAt(nodeAdded.BlockHeight + 1), Is.EqualTo(3), "after node-4 joins, 4 nodes attest and 3 certify");
        Assert.That(joiner.Node.Collector.QuorumAt(nodeAdded.BlockHeight), Is.EqualTo(2), "the block that added node-4 keeps the founders' quorum");

        // X registers a work with its key, submitted through the new node.
        var earlier = await SubmitOkAsync(cluster, transactions.RegisterOwnWork(memberKey, "member-x"), through: joiner);

        // Rotate X's key by vote.
        var newMemberKey = suite.GenerateKeyPair();
        var proposeRotation = await SubmitOkAsync(cluster, transactions.RotateKey(consortium.Admin, "member-x", memberKey, newMemberKey));
        var rotated = await SubmitOkAsync(cluster, transactions.Vote(admin2, proposeRotation.TxHash));
        await cluster.WaitForHeightAsync(rotated.BlockHeight, WaitMax);

        // The old key is refused at the door...
        leader = await cluster.WaitForLeaderAsync();
        var refused = Assert.ThrowsAsync<RpcException>(async () =>
            await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transactions.RegisterOwnWork(memberKey, "member-x") }));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));

        // ...and by the registry rules, had it got past the door.
        var node = leader.Node;
        var stale = transactions.RegisterOwnWork(memberKey, "member-x");
        var applied = RegistryApplier.AppliedHeight(node.RegistryState);
        var application = new RegistryApplier(node.Chain.RegistryOptions).ApplyBlock(
            node.RegistryState,
            new BlockContext(consortium.ChainId, applied + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            [new RegistryTransaction(TransactionHashing.ComputeHash(node.Chain.Hash, stale), TransactionEnvelope.Parser.ParseFrom(stale.Envelope), stale)]);
        Assert.That(application.Outcomes[0].Reason, Is.EqualTo(RejectionReason.KeyRevoked));

        // The earlier transaction signed with the old key still verifies, and the key was valid where it stands.
        var stored = node.Blocks.FindTransaction(earlier.TxHash.Span)!;
        Assert.That(TransactionSigning.Verify(memberKey.Public, stored.Transaction, consortium.ChainId), Is.True);
        var oldKeyRecord = new RegistryQueries(node.RegistryState, node.Chain.RegistryOptions).GetKey(memberKey.KeyId.Bytes)!;
        Assert.That(RegistryQueries.IsKeyValidAt(oldKeyRecord, new ChainPosition { Height = stored.Height, Index = stored.Position }), Is.True);
        Assert.That(RegistryQueries.IsKeyValidAt(oldKeyRecord, new ChainPosition { Height = rotated.BlockHeight + 1 }), Is.False);
        var withNewKey = await SubmitOkAsync(cluster, transactions.RegisterOwnWork(newMemberKey, "member-x"));
        Assert.That(withNewKey.Result.Code, Is.EqualTo(ResultCode.Ok));

        // Remove node-2 by vote while it leads (the harder case: it must hand leadership over first),
        // and it leaves Raft's membership everywhere else.
        var node2 = cluster.Nodes.Single(n => n.Node.NodeId == "node-2");
        await WaitUntilAsync(async () =>
        {
            var current = await cluster.WaitForLeaderAsync();
            if (current == node2)
            {
                return true;
            }

            current.Node.Driver.TryTransferLeadership(RaftNodeIds.Of("node-2"));
            await Task.Delay(200);
            return node2.Node.IsLeader;
        }, "node-2 leads");
        var proposeRemoval = await SubmitOkAsync(cluster, transactions.RemoveNode(consortium.Admin, "node-2"));
        var removed = await SubmitOkAsync(cluster, transactions.Vote(admin2, proposeRemoval.TxHash));
        var remaining = cluster.Nodes.Where(n => n != node2).ToList();
        await WaitUntilAsync(async () => await EveryNodeHasVotersAsync(remaining, ["node-1", "node-3", "node-4"]), "node-2 leaves the Raft membership");
        Assert.That(node2.Node.IsLeader, Is.False, "the removed leader handed over");

        // At the peer port: node-4's certificate is admitted, node-2's no longer, and a CA certificate
        // for a node governance never added is refused by a voter.
        consortium.CreateJoiningNode("node-9");
        Assert.That(await PeerCallStatusAsync(consortium, remaining[0], "node-4"), Is.EqualTo(StatusCode.OK));
        Assert.That(await PeerCallStatusAsync(consortium, remaining[0], "node-2"), Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(await PeerCallStatusAsync(consortium, remaining[0], "node-9"), Is.EqualTo(StatusCode.PermissionDenied));
        await node2.StopAsync();

        // The remaining three keep committing, and blocks after the removal are certified by a quorum of them.
        Receipt last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = await SubmitOkAsync(cluster, consortium.RegisterWork());
        }

        Assert.That(last.BlockHeight, Is.GreaterThan(removed.BlockHeight));
        var certifier = remaining[0].Node;
        Assert.That(certifier.Collector.QuorumAt(last.BlockHeight), Is.EqualTo(2));
        CertifiedHeader? certified = null;
        await WaitUntilAsync(() => Task.FromResult((certified = certifier.Collector.GetCertified(last.BlockHeight)) is not null), "a block after the removal is certified");
        var newVoters = new HashSet<string>(["node-1", "node-3", "node-4"]);
        Assert.That(certified!.Attestations.Select(a => a.NodeId), Is.All.Matches<string>(newVoters.Contains));
        Assert.That(certified.Attestations, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var attestation in certified.Attestations)
        {
            var signerKey = consortium.Nodes.Single(n => n.NodeId == attestation.NodeId).Key.Public;
            Assert.That(BlockAttestations.Verify(signerKey, attestation, certified.Header, certifier.Chain.Hash), Is.True);
        }

        // An old header keeps the attesters of its height: node-2's signature still counts for block 1.
        Assert.That(certifier.Collector.QuorumAt(1), Is.EqualTo(2));
        Assert.That(certifier.Collector.GetCertified(1)!.Attestations.Select(a => a.NodeId), Is.SubsetOf(new[] { "node-1", "node-2", "node-3" }));

        // The membership survives a leader change and a restart: nothing is re-proposed, node-2 stays out.
        var oldLeader = await cluster.WaitForLeaderAsync();
        await oldLeader.StopAsync();
        await SubmitOkAsync(cluster, consortium.RegisterWork());
        await oldLeader.StartAsync();
        await WaitUntilAsync(async () => await EveryRunningNodeHasVotersAsync(cluster, ["node-1", "node-3", "node-4"]), "the restarted node rejoins with the same membership");
        var afterRestart = await SubmitOkAsync(cluster, consortium.RegisterWork());
        await cluster.WaitForHeightAsync(afterRestart.BlockHeight, WaitMax);
        AssertChainsIdentical(cluster, afterRestart.BlockHeight);
    }

    private static async Task<Receipt> SubmitOkAsync(TestCluster cluster, SignedTransaction transaction, InProcessNode? through = null)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (true)
        {
            var target = through ?? await cluster.WaitForLeaderAsync();
            try
            {
                var response = await target.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
                Assert.That(response.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), response.Receipt.Result.Reason);
                return response.Receipt;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                // Leadership moved (e.g. a removed leader handed over); resubmitting the same signed transaction is idempotent.
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Calls the peer service of <paramref name="target"/> presenting <paramref name="certificateNodeId"/>'s certificate.</summary>
    private static async Task<StatusCode> PeerCallStatusAsync(TestConsortium consortium, InProcessNode target, string certificateNodeId)
    {
        var pem = X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(consortium.Directory, $"{certificateNodeId}.cert.pem")),
            File.ReadAllText(Path.Combine(consortium.Directory, $"{certificateNodeId}.key.pem")));
        using var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        pem.Dispose();
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        var peerUrl = consortium.Nodes.Single(n => n.NodeId == target.Node.NodeId).PeerUrl;
        using var channel = GrpcChannel.ForAddress(peerUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        try
        {
            await new LedgerPeer.LedgerPeerClient(channel).ForwardAsync(new ForwardRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static Task<bool> EveryRunningNodeHasVotersAsync(TestCluster cluster, string[] nodeIds) =>
        EveryNodeHasVotersAsync(cluster.Nodes.Where(n => n.IsRunning).ToList(), nodeIds);

    private static async Task<bool> EveryNodeHasVotersAsync(IReadOnlyList<InProcessNode> nodes, string[] nodeIds)
    {
        var expected = nodeIds.Select(RaftNodeIds.Of).Order().ToArray();
        foreach (var node in nodes)
        {
            var status = await node.Node.Driver.InspectAsync(CancellationToken.None);
            if (!status.ConfState.Voters.SequenceEqual(expected) || status.ConfState.Learners.Length != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void AssertChainsIdentical(TestCluster cluster, ulong height)
    {
        for (ulong h = 1; h <= height; h++)
        {
            var blocks = cluster.Nodes.Where(n => n.IsRunning).Select(n => Convert.ToHexString(n.Node.Blocks.GetBlock(h)!.ToByteArray())).Distinct().ToList();
            Assert.That(blocks, Has.Count.EqualTo(1), $"nodes disagree on block {h}");
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(50);
        }
    }
}
