using Google.Protobuf;
using Grpc.Core;
using Ledger.Client.Batches;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.IntegrationTests;

/// <summary>The SDK against a real three-node cluster: failover, leader hints, idempotent retry, deadlines, every RPC, Watch, verification by default.</summary>
public sealed class LedgerClientClusterTests : ClusterFixture
{
    [Test]
    public async Task SubmitAsync_FirstEndpointIsDown_FailsOverAndReturnsAVerifiedReceipt()
    {
        var dead = new Uri("http://127.0.0.1:1");
        await using var client = NewClient([dead, .. Endpoints]);

        var receipt = await client.SubmitAsync(Platform().RegisterWork(Work("failover")));

        Assert.That(receipt.Result.Code, Is.EqualTo(ResultCode.Ok));
        Assert.That(receipt.Status, Is.EqualTo(Verification.ReceiptStatus.Verified), receipt.Detail);
        Assert.That(receipt.CertifiedBy, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(client.CurrentEndpoint, Is.Not.EqualTo(dead));
        Assert.That(client.TrustedState?.LogSize, Is.GreaterThanOrEqualTo(receipt.Header.LogSize));
    }

    [Test]
    public async Task SubmitAsync_NodeAnswersUnavailableWithALeaderHint_FollowsTheHint()
    {
        var hinting = new Uri("http://hinting-node.invalid:7000");
        var leader = new Uri(Cluster.Nodes[1].PublicUrl);
        using var handler = new InterceptingHandler
        {
            Intercept = request => request.RequestUri!.Host == hinting.Host
                ? InterceptingHandler.Status(request, (int)StatusCode.Unavailable, new Dictionary<string, string> { [LeaderHint.TrailerKey] = leader.ToString() })
                : null,
        };
        await using var client = NewClient([hinting], handler);

        var receipt = await client.SubmitAsync(Platform().RegisterWork(Work("hinted")));

        Assert.That(receipt.Result.Code, Is.EqualTo(ResultCode.Ok));
        Assert.That(client.CurrentEndpoint, Is.EqualTo(leader));
    }

    [Test]
    public async Task SubmitAsync_SameSignedTransactionAfterTheLeaderStops_SameReceiptAndOneEntryInTheChain()
    {
        await using var client = NewClient();
        var transaction = Platform().RegisterWork(Work("idempotent"));
        var first = await client.SubmitAsync(transaction);
        var leader = await Cluster.WaitForLeaderAsync();
        await leader.StopAsync();
        try
        {
            await Cluster.WaitForLeaderAsync();

            var again = await client.SubmitAsync(transaction);

            Assert.That(again.TxHash, Is.EqualTo(first.TxHash));
            Assert.That((again.BlockHeight, again.Position), Is.EqualTo((first.BlockHeight, first.Position)));
            var status = await client.StatusAsync();
            var copies = 0;
            await foreach (var block in client.GetBlocksAsync(1, status.Height))
            {
                copies += block.Transactions.Count(t => t.Equals(transaction));
            }

            Assert.That(copies, Is.EqualTo(1));
        }
        finally
        {
            await leader.StartAsync();
        }
    }

    [Test]
    public async Task InvokeAsync_NodeHangsPastTheAttemptDeadline_MovesOnToTheNextNode()
    {
        var hung = new Uri("http://hung-node.invalid:7000");
        using var handler = new InterceptingHandler();
        handler.HungHosts.Add(hung.Host);
        await using var client = NewClient([hung, .. Endpoints], handler, attemptDeadline: TimeSpan.FromMilliseconds(500));

        var status = await client.StatusAsync();

        Assert.That(status.NodeId, Is.Not.Empty);
        Assert.That(client.CurrentEndpoint, Is.Not.EqualTo(hung));
    }

    [Test]
    public async Task InvokeAsync_OnlyNodeHangs_GivesUpAfterTheAttemptsWithDeadlineExceeded()
    {
        var hung = new Uri("http://hung-node.invalid:7000");
        using var handler = new InterceptingHandler();
        handler.HungHosts.Add(hung.Host);
        await using var client = NewClient([hung], handler, attemptDeadline: TimeSpan.FromMilliseconds(200), attemptsMax: 2);

        var failure = Assert.ThrowsAsync<LedgerUnavailableException>(() => client.StatusAsync());

        Assert.That(((RpcException)failure!.InnerException!).StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        Assert.That(handler.Calls("/ledger.v1.LedgerApi/Status"), Is.EqualTo(2));
    }

    [Test]
    public async Task LedgerApiCalls_AgainstTheCluster_AnswerAndVerify()
    {
        await using var client = NewClient();
        var many = await client.SubmitManyAsync([Platform().RegisterWork(Work("many 1")), Platform().RegisterWork(Work("many 2"))]);
        Assert.That(many.Select(r => r.Receipt?.Result.Code), Is.All.EqualTo(ResultCode.Ok));
        var receipt = many[1].Receipt!;
        var txHash = receipt.TxHash.ToByteArray();

        var fetched = await client.GetTransactionAsync(txHash);
        var verified = await client.GetReceiptAsync(txHash);
        var block = await client.GetBlockAsync(receipt.BlockHeight);
        var inclusion = await client.GetInclusionProofAsync(txHash, receipt.Header.LogSize);
        var consistency = await client.GetConsistencyProofAsync(1, receipt.Header.LogSize);
        var status = await client.StatusAsync();

        Assert.That(TransactionHashing.ComputeHash(client.ChainHash, fetched.Transaction), Is.EqualTo(txHash));
        Assert.That(verified.BlockHeight, Is.EqualTo(receipt.BlockHeight));
        Assert.That((receipt.Status, verified.Status), Is.EqualTo((Verification.ReceiptStatus.Verified, Verification.ReceiptStatus.Verified)));
        Assert.That(block.Transactions[(int)receipt.Position].Equals(fetched.Transaction), Is.True);
        var leaf = LogLeaf.MerkleLeafHash(txHash, receipt.Result, client.ChainHash);
        Assert.That(
            MerkleProofVerifier.CheckInclusion(new MerkleHasher(client.ChainHash), inclusion.Proof.LeafIndex, inclusion.Proof.TreeSize, leaf, [.. inclusion.Proof.Path.Select(p => p.ToByteArray())], receipt.Header.LogRoot.Span),
            Is.EqualTo(MerkleProofResult.Valid));
        Assert.That((consistency.FirstSize, consistency.SecondSize), Is.EqualTo((1UL, receipt.Header.LogSize)));
        Assert.That(status.Height, Is.GreaterThanOrEqualTo(receipt.BlockHeight));
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_AfterACommit_QuorumSignedAndAcceptedAsTrusted()
    {
        await using var client = NewClient();
        var receipt = await client.SubmitAsync(Platform().RegisterWork(Work("certified")));

        var certified = await EventuallyAsync(() => client.GetCertifiedHeaderAsync(receipt.BlockHeight));

        Assert.That(certified.Attestations, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(BlockHash.Compute(certified.Header, client.ChainHash), Is.EqualTo(BlockHash.Compute(receipt.Header, client.ChainHash)));
    }

    [Test]
    public async Task RegistryQueries_AgainstTheCluster_FindTheRegisteredWork()
    {
        await using var client = NewClient();
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var receipt = await client.SubmitAsync(Platform().RegisterWork(Work("queried", content, perceptualHash: 0x0f0f_0f0f_1234_5678UL)));

        var found = await client.FindByContentHashAsync(content);
        var work = await client.GetWorkAsync(found.Work.WorkId.ToByteArray());
        var history = new List<WorkEvent>();
        await foreach (var workEvent in client.ReadWorkHistoryAsync(found.Work.WorkId.ToByteArray()))
        {
            history.Add(workEvent);
        }

        var similar = await client.FindSimilarWorksAsync(0x0f0f_0f0f_1234_5679UL, 2);
        var key = await client.GetKeyAsync(Cluster.Consortium.Platform.KeyId.ToArray());
        var members = await client.GetMembersAtAsync(0);
        var nodes = await client.GetNodesAsync();
        var owned = await client.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = new RightsHolder { MemberId = "platform-1" }, PageSize = 100 });

        Assert.That(work.Work.RegisteredTxHash, Is.EqualTo(receipt.TxHash));
        Assert.That(history, Is.Not.Empty);
        Assert.That(similar.Matches.Select(m => m.WorkId), Does.Contain(found.Work.WorkId));
        Assert.That(key.Key.MemberId, Is.EqualTo("platform-1"));
        Assert.That(members.Members.Select(m => m.MemberId), Does.Contain("court-1"));
        Assert.That(nodes.Nodes, Has.Count.EqualTo(3));
        Assert.That(owned.Works, Is.Not.Empty);
    }

    [Test]
    public async Task WatchAsync_FromAHeight_YieldsThatBlockThenTheNextInOrder()
    {
        await using var client = NewClient();
        var first = await client.SubmitAsync(Platform().RegisterWork(Work("watched 1")));
        await client.SubmitAsync(Platform().RegisterWork(Work("watched 2")));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var heights = new List<ulong>();
        await foreach (var block in client.WatchAsync(first.BlockHeight, timeout.Token))
        {
            heights.Add(block.Header.Height);
            if (heights.Count == 2)
            {
                break;
            }
        }

        Assert.That(heights, Is.EqualTo(new[] { first.BlockHeight, first.BlockHeight + 1 }));
    }

    [Test]
    public async Task Verification_OnByDefault_NewerHeadersAreCheckedWithConsistencyProofs()
    {
        using var handler = new InterceptingHandler();
        await using var client = NewClient(handler: handler);
        Assert.That(new LedgerClientOptions { Endpoints = Endpoints }.VerifyResponses, Is.True);

        var first = await client.SubmitAsync(Platform().RegisterWork(Work("trusted 1")));
        var second = await client.SubmitAsync(Platform().RegisterWork(Work("trusted 2")));

        Assert.That(second.Header.LogSize, Is.GreaterThan(first.Header.LogSize));
        Assert.That(handler.Calls("/ledger.v1.LedgerApi/GetConsistencyProof"), Is.GreaterThanOrEqualTo(1));
        Assert.That(client.TrustedState!.LogSize, Is.EqualTo(second.Header.LogSize));
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_NodeServesAForkedHeaderSignedByColludingNodes_RefusedAsAFork()
    {
        using var handler = new InterceptingHandler();
        await using var client = NewClient(handler: handler);
        var receipt = await client.SubmitAsync(Platform().RegisterWork(Work("before the fork")));
        var trusted = client.TrustedState!;
        // Same log size as the trusted state, another root: history rewritten. The header is well
        // formed and carries valid node signatures, so only the trusted-state check can catch it.
        var forked = receipt.Header.Clone();
        forked.LogSize = trusted.LogSize;
        var root = trusted.LogRoot.ToArray();
        root[0] ^= 0xff;
        forked.LogRoot = ByteString.CopyFrom(root);
        var certified = new CertifiedHeader { Header = forked };
        foreach (var node in Cluster.Consortium.Nodes)
        {
            certified.Attestations.Add(BlockAttestations.Sign(node.Key, node.NodeId, forked, client.ChainHash));
        }

        handler.Intercept = request => request.RequestUri!.AbsolutePath.EndsWith("/GetCertifiedHeader", StringComparison.Ordinal)
            ? InterceptingHandler.Message(request, certified)
            : null;

        Assert.ThrowsAsync<ForkDetectedException>(() => client.GetCertifiedHeaderAsync(forked.Height));
        Assert.That(client.TrustedState!.LogRoot, Is.EqualTo(trusted.LogRoot), "the trusted state did not move");
    }

    [Test]
    public async Task BatchRegistration_ManifestWrittenAtSubmission_AnyItemProvesToTheRegisteredRoot()
    {
        await using var client = NewClient();
        var items = Enumerable.Range(0, 37).Select(i => new BatchItem
        {
            ContentSha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ItemId = $"sku-{i}",
        }).ToList();
        var batch = BatchRegistration.Build(items, MediaType.ProductListing, new RightsHolder { MemberId = "platform-1" }, client.ChainHash);
        var transaction = Platform().BatchRegister(batch);
        var manifest = new StringWriter();
        BatchRegistration.WriteManifest(manifest, batch, TransactionHashing.ComputeHash(client.ChainHash, transaction));

        var receipt = await client.SubmitAsync(transaction);
        var registered = BatchRegister.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom((await client.GetTransactionAsync(receipt.TxHash.ToByteArray())).Transaction.Envelope).Body);

        Assert.That(receipt.Result.Code, Is.EqualTo(ResultCode.Ok), receipt.Result.Reason);
        foreach (var index in new[] { 0, 17, 36 })
        {
            var evidence = BatchRegistration.ProofFromManifest(new StringReader(manifest.ToString()), index, client.ChainHash);
            var leaf = new MerkleHasher(client.ChainHash).HashLeaf(Ledger.Core.Evidence.BatchItemLeaf.Encode(evidence.Item));
            Assert.That(
                MerkleProofVerifier.CheckInclusion(new MerkleHasher(client.ChainHash), evidence.ItemProof.LeafIndex, evidence.ItemProof.TreeSize, leaf, [.. evidence.ItemProof.Path.Select(p => p.ToByteArray())], registered.MerkleRoot.Span),
                Is.EqualTo(MerkleProofResult.Valid),
                $"item {index}");
        }
    }

    /// <summary>Certification trails the commit by one attestation round: ask again until it is there.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException exception) when (NotCertifiedAnswer.Is(exception) && attempt < 200)
            {
                await Task.Delay(50);
            }
        }
    }
}
