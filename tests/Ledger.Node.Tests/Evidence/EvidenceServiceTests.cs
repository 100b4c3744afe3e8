using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Client;
using Ledger.Client.Evidence;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Services;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Evidence;

/// <summary>
/// Issue #17: a node serves the evidence bundle of a transaction or batch item (the explorer's
/// download button), built from its own state by the code behind <c>ledger evidence export</c> and
/// verified against its genesis before it is sent. One real node over loopback; the fixture commits
/// a registration, a duplicate of it, and a batch whose item 0 duplicates an earlier work.
/// </summary>
[NonParallelizable]
public sealed class EvidenceServiceTests
{
    private TestConsortium consortium = null!;
    private InProcessNode node = null!;
    private string webUrl = null!;
    private HttpClient web = null!;
    private GrpcChannel channel = null!;
    private byte[] genesisBytes = null!;
    private byte[] accepted = null!;
    private byte[] duplicate = null!;
    private byte[] batch = null!;
    private byte[] batchItemPrior = null!;

    private InProcessNode Node => node;

    private EvidenceApi.EvidenceApiClient Evidence => new(channel);

    [OneTimeSetUp]
    public async Task CommitTheTransactions()
    {
        consortium = new TestConsortium(1);
        webUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        node = new InProcessNode(consortium.ArgumentsFor(0, ["--web-url", webUrl]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.RaftStatus.Role == Ledger.Consensus.RaftRole.Leader);
        web = new HttpClient { BaseAddress = new Uri(webUrl), Timeout = TimeSpan.FromSeconds(60) };
        channel = GrpcChannel.ForAddress(Node.PublicUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        genesisBytes = await File.ReadAllBytesAsync(consortium.GenesisPath);
        var content = RandomNumberGenerator.GetBytes(32);
        accepted = await CommitAsync(consortium.RegisterWork(contentSha256: content), ResultCode.Ok);
        duplicate = await CommitAsync(consortium.RegisterWork(contentSha256: content), ResultCode.Rejected);
        var earlier = RandomNumberGenerator.GetBytes(32);
        batchItemPrior = await CommitAsync(consortium.RegisterWork(contentSha256: earlier), ResultCode.Ok);
        var items = new[] { earlier, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) }
            .Select((sha256, i) => new BatchItem { ContentSha256 = ByteString.CopyFrom(sha256), ItemId = $"sku-{i}" })
            .ToArray();
        batch = await CommitAsync(consortium.BatchRegister(items, Ledger.Registry.Batches.BatchMerkleRoot.Compute(Node.Node.Chain.Hash, items)), ResultCode.Ok);
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        channel.Dispose();
        web.Dispose();
        await node.DisposeAsync();
        consortium.Dispose();
    }

    [Test]
    public async Task ExportEvidence_AcceptedRegistration_IsAJsonBundleThatVerifiesValidAgainstTheNodesGenesis()
    {
        var body = await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(accepted) });

        var report = Verify(body.Data.ToByteArray());
        Assert.Multiple(() =>
        {
            Assert.That(body.ContentType, Is.EqualTo("application/json"));
            Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid), report.Conclusion);
            Assert.That(report.TxHashHex, Is.EqualTo(Convert.ToHexStringLower(accepted)));
            Assert.That(report.Prior, Is.Null);
        });
    }

    [Test]
    public async Task ExportEvidence_DuplicateRegistration_IsRejectedAndCarriesTheEarlierRegistration()
    {
        var body = await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(duplicate), Format = "json" });

        var report = Verify(body.Data.ToByteArray());
        Assert.Multiple(() =>
        {
            Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), report.Conclusion);
            Assert.That(report.Prior?.TxHashHex, Is.EqualTo(Convert.ToHexStringLower(accepted)));
        });
    }

    [Test]
    public async Task ExportEvidence_BatchItems_AreValidForANewItemAndRejectedWithThePriorForADuplicate()
    {
        var batchHex = Convert.ToHexStringLower(batch);

        var fresh = Verify((await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = batchHex, ItemIndex = 1 })).Data.ToByteArray());
        var duplicated = Verify((await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = batchHex, ItemIndex = 0 })).Data.ToByteArray());

        Assert.Multiple(() =>
        {
            Assert.That(fresh.Verdict, Is.EqualTo(EvidenceVerdict.Valid), fresh.Conclusion);
            Assert.That(fresh.BatchItemIndex, Is.EqualTo(1));
            Assert.That(duplicated.Verdict, Is.EqualTo(EvidenceVerdict.Rejected), duplicated.Conclusion);
            Assert.That(duplicated.BatchItemIndex, Is.EqualTo(0));
            Assert.That(duplicated.Prior?.TxHashHex, Is.EqualTo(Convert.ToHexStringLower(batchItemPrior)));
        });
    }

    [TestCase("accepted", null)]
    [TestCase("duplicate", null)]
    [TestCase("batch", 0)]
    [TestCase("batch", 2)]
    public async Task ExportEvidence_AnyTransaction_IsByteForByteTheBundleTheClientExportsFromTheSameNode(string which, int? item)
    {
        var txHash = which switch { "accepted" => accepted, "duplicate" => duplicate, _ => batch };
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [new Uri(Node.PublicUrl)], Genesis = ConsortiumGenesis.Parse(genesisBytes), AttemptsMax = 1 });
        var request = new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(txHash) };
        if (item is { } index)
        {
            request.ItemIndex = (uint)index;
        }

        var fromClient = EvidenceBundleJson.Write(await EvidenceExporter.ExportAsync(client, genesisBytes, txHash, item));
        var fromNode = (await Evidence.ExportEvidenceAsync(request)).Data.ToByteArray();

        Assert.That(fromNode, Is.EqualTo(fromClient));
    }

    /// <remarks>
    /// Read off the wire with a plain HTTP/2 request: .NET's gRPC client keeps only the response's
    /// headers, and HttpClient files Content-Disposition with the content's.
    /// </remarks>
    [TestCase("accepted", null, "attachment; filename=\"evidence-{0}.json\"")]
    [TestCase("batch", 2u, "attachment; filename=\"evidence-{0}-item-2.json\"")]
    public async Task ExportEvidence_OverGrpc_NamesTheFileInAContentDispositionHeader(string which, uint? item, string expected)
    {
        var txHash = which == "batch" ? batch : accepted;
        var request = new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(txHash) };
        if (item is { } index)
        {
            request.ItemIndex = index;
        }

        var message = request.ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, $"{Node.PublicUrl}/ledger.v1.EvidenceApi/ExportEvidence")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame) { Headers = { { "Content-Type", "application/grpc" } } },
        };
        post.Headers.TryAddWithoutValidation("TE", "trailers");

        using var response = await http.SendAsync(post);
        await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.TrailingHeaders.GetValues("grpc-status").Single(), Is.EqualTo("0"));
        Assert.That(response.Content.Headers.ContentDisposition?.ToString(), Is.EqualTo(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, Convert.ToHexStringLower(txHash)[..EvidenceService.FileNameHashHexDigits])));
    }

    [Test]
    public async Task HttpGet_Transaction_IsTheBundleAsAnAttachedJsonFile()
    {
        var hex = Convert.ToHexStringLower(duplicate);
        var overGrpc = (await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = hex })).Data.ToByteArray();

        using var response = await web.GetAsync(new Uri($"/v1/evidence/{hex}", UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Content.Headers.ContentDisposition?.ToString(), Is.EqualTo($"attachment; filename=\"evidence-{hex[..EvidenceService.FileNameHashHexDigits]}.json\""));
            Assert.That(body, Is.EqualTo(overGrpc));
            Assert.That(Verify(body).Verdict, Is.EqualTo(EvidenceVerdict.Rejected));
        });
    }

    [Test]
    public async Task HttpGet_BatchItemAsHtml_IsTheSelfVerifyingPageOfThatItemsBundle()
    {
        var hex = Convert.ToHexStringLower(batch);
        var bundle = (await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = hex, ItemIndex = 1 })).Data.ToByteArray();

        using var response = await web.GetAsync(new Uri($"/v1/evidence/{hex}?item_index=1&format=html", UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Content.Headers.ContentDisposition?.ToString(), Is.EqualTo($"attachment; filename=\"evidence-{hex[..EvidenceService.FileNameHashHexDigits]}-item-1.html\""));
            Assert.That(body, Is.EqualTo(Ledger.Web.SelfVerifyingHtml.Build(bundle, Convert.ToHexStringLower(SHA256.HashData(genesisBytes)))));
        });
    }

    [TestCase("0000000000000000000000000000000000000000000000000000000000000000", System.Net.HttpStatusCode.NotFound)]
    [TestCase("nothex", System.Net.HttpStatusCode.BadRequest)]
    public async Task HttpGet_UnknownOrMalformedHash_IsAnHttpErrorNamingTheProblem(string hex, System.Net.HttpStatusCode expected)
    {
        using var response = await web.GetAsync(new Uri($"/v1/evidence/{hex}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        Assert.That(text, Does.Contain(hex));
    }

    [Test]
    public void ExportEvidence_UnknownTransaction_IsNotFound()
    {
        var unknown = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = unknown }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.NotFound), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain(unknown));
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("zz00000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("000000000000000000000000000000000000000000000000000000000000000000")]
    public void ExportEvidence_TxHashNotHexOfTheHashSize_IsInvalidArgument(string hex)
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = hex }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.StartWith("tx_hash_hex must be 64 hex digits"));
    }

    [Test]
    public void ExportEvidence_UnknownFormat_IsInvalidArgument()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(accepted), Format = "pdf" }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), error.Status.Detail);
        Assert.That(error.Status.Detail, Is.EqualTo("format must be \"json\" (the default) or \"html\", was \"pdf\""));
    }

    [Test]
    public void ExportEvidence_ItemIndexOfATransactionThatIsNoBatch_IsInvalidArgument()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(accepted), ItemIndex = 0 }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain("not a BatchRegister"));
    }

    [Test]
    public void ExportEvidence_BatchWithoutItemIndex_IsInvalidArgument()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(batch) }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.EndWith("is a BatchRegister: name the item (item_index) the bundle is evidence for"));
    }

    [Test]
    public void ExportEvidence_ItemIndexBeyondTheBatch_IsInvalidArgument()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await Evidence.ExportEvidenceAsync(new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(batch), ItemIndex = 3 }));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.EndWith("which has 3 items (0..2)"));
    }

    private EvidenceReport Verify(byte[] bundle) =>
        EvidenceVerifier.Verify(EvidenceBundleJson.Parse(bundle), new EvidenceVerificationOptions { TrustedGenesisSha256 = SHA256.HashData(genesisBytes) });

    /// <summary>Submits, checks the result, and waits until the block is certified (an export needs that).</summary>
    private async Task<byte[]> CommitAsync(SignedTransaction transaction, ResultCode expected)
    {
        var response = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
        Assert.That(response.Receipt.Result.Code, Is.EqualTo(expected), response.Receipt.Result.Reason);
        await Eventually.WaitUntilAsync(() => Node.Node.Collector.GetCertified(response.Receipt.BlockHeight) is not null);
        return TransactionHashing.ComputeHash(Node.Node.Chain.Hash, transaction);
    }
}
