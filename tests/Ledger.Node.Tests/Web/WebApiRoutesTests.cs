using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Web;

/// <summary>
/// Every /v1 route against a real node over loopback, for one registered work: the JSON each route
/// answers is the proto3 JSON form of what the same gRPC call answers (parsed back with
/// <see cref="JsonParser"/> and compared message for message), ids in paths are lower-case hex.
/// </summary>
[NonParallelizable]
public sealed class WebApiRoutesTests
{
    private const ulong PerceptualHash = 0xF0E1_D2C3_B4A5_9687;

    private WebTestNode web = null!;
    private GrpcChannel channel = null!;
    private LedgerApi.LedgerApiClient api = null!;
    private RegistryQuery.RegistryQueryClient registry = null!;
    private Receipt receipt = null!;
    private byte[] contentSha256 = null!;

    private string TxHex => Convert.ToHexStringLower(receipt.TxHash.Span);

    private string WorkIdHex => TxHex + "00000000";

    [OneTimeSetUp]
    public async Task StartNodeAndRegisterAWorkAsync()
    {
        web = await WebTestNode.StartAsync();
        channel = GrpcChannel.ForAddress(web.Node.PublicUrl);
        api = new LedgerApi.LedgerApiClient(channel);
        registry = new RegistryQuery.RegistryQueryClient(channel);
        contentSha256 = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var submitted = await api.SubmitAsync(new SubmitRequest { Transaction = web.Consortium.RegisterWork(contentSha256: contentSha256, perceptualHash: PerceptualHash) });
        receipt = submitted.Receipt;
        await Eventually.WaitUntilAsync(() => web.Node.Node.Collector.CertifiedHeight >= receipt.BlockHeight);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        channel.Dispose();
        await web.DisposeAsync();
    }

    [Test]
    public async Task Status_Get_AnswersTheNodesStatusAsJson()
    {
        var (status, json, _) = await web.GetJsonAsync("/v1/status");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var parsed = ProtoJson.Parse<StatusResponse>(json!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.ChainId, Is.EqualTo(web.Consortium.ChainId));
            Assert.That(parsed.NodeId, Is.EqualTo("node-1"));
            Assert.That(parsed.Height, Is.GreaterThanOrEqualTo(receipt.BlockHeight));
            Assert.That(json.Value.GetProperty("chainId").GetString(), Is.EqualTo(web.Consortium.ChainId), "proto3 JSON names are lowerCamelCase");
        });
    }

    [Test]
    public async Task Transaction_ByHexHash_MatchesTheGrpcAnswer()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/transactions/{TxHex}?include_receipt=true");
        var expected = await api.GetTransactionAsync(new GetTransactionRequest { TxHash = receipt.TxHash, IncludeReceipt = true });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var parsed = ProtoJson.Parse<GetTransactionResponse>(json!.Value);
        parsed.AsOfHeight = expected.AsOfHeight;
        Assert.That(parsed, Is.EqualTo(expected));
        Assert.That(json.Value.GetProperty("receipt").GetProperty("txHash").GetString(), Is.EqualTo(Convert.ToBase64String(receipt.TxHash.Span)), "bytes are base64 in responses");
    }

    [Test]
    public async Task Transaction_UpperCaseHex_IsAcceptedToo()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/transactions/{TxHex.ToUpperInvariant()}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<GetTransactionResponse>(json!.Value).BlockHeight, Is.EqualTo(receipt.BlockHeight));
    }

    [Test]
    public async Task Transaction_HexFieldOverGrpc_IsTheSameApi()
    {
        var byHex = await api.GetTransactionAsync(new GetTransactionRequest { TxHashHex = TxHex });
        var byBytes = await api.GetTransactionAsync(new GetTransactionRequest { TxHash = receipt.TxHash });

        Assert.That(byHex.Transaction, Is.EqualTo(byBytes.Transaction));
        Assert.That(byHex.BlockHeight, Is.EqualTo(receipt.BlockHeight));
    }

    [Test]
    public async Task Block_ByHeight_MatchesTheGrpcAnswer()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/blocks/{receipt.BlockHeight}");
        var expected = await api.GetBlockAsync(new GetBlockRequest { Height = receipt.BlockHeight });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<Block>(json!.Value), Is.EqualTo(expected));
    }

    [Test]
    public async Task CertifiedHeader_ByHeightAndLatest_MatchTheGrpcAnswers()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/blocks/{receipt.BlockHeight}/certified-header");
        var (latestStatus, latestJson, _) = await web.GetJsonAsync("/v1/certified-header");
        var expected = await api.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = receipt.BlockHeight });

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ProtoJson.Parse<CertifiedHeader>(json!.Value), Is.EqualTo(expected));
            Assert.That(latestStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ProtoJson.Parse<CertifiedHeader>(latestJson!.Value).Header.Height, Is.GreaterThanOrEqualTo(receipt.BlockHeight));
        });
    }

    [Test]
    public async Task InclusionProof_ByHexHashAndTreeSize_MatchesTheGrpcAnswer()
    {
        var treeSize = receipt.Header.LogSize;
        var (status, json, _) = await web.GetJsonAsync($"/v1/proofs/inclusion/{TxHex}?tree_size={treeSize}");
        var expected = await api.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = receipt.TxHash, TreeSize = treeSize });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<GetInclusionProofResponse>(json!.Value), Is.EqualTo(expected));
    }

    [Test]
    public async Task ConsistencyProof_BySizesInTheQuery_MatchesTheGrpcAnswer()
    {
        var second = receipt.Header.LogSize;
        var (status, json, _) = await web.GetJsonAsync($"/v1/proofs/consistency?first_size=1&second_size={second}");
        var expected = await api.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = 1, SecondSize = second });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<ConsistencyProof>(json!.Value), Is.EqualTo(expected));
    }

    [Test]
    public async Task Checkpoint_Latest_MatchesTheGrpcAnswer()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/checkpoint?tree_size={receipt.Header.LogSize}");
        var expected = await api.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = receipt.Header.LogSize });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<GetCheckpointResponse>(json!.Value), Is.EqualTo(expected));
    }

    [Test]
    public async Task Work_ByHexId_MatchesTheGrpcAnswer()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/works/{WorkIdHex}");
        var expected = await registry.GetWorkAsync(new GetWorkRequest { WorkId = WorkId() });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<GetWorkResponse>(json!.Value).Work, Is.EqualTo(expected.Work));
    }

    [Test]
    public async Task WorkHistory_ByHexId_MatchesTheGrpcAnswer()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/works/{WorkIdHex}/history?page_size=10");
        var expected = await registry.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = WorkId(), PageSize = 10 });

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var parsed = ProtoJson.Parse<GetWorkHistoryResponse>(json!.Value);
        Assert.That(parsed.Events, Is.EqualTo(expected.Events));
        Assert.That(parsed.Events, Is.Not.Empty, "the registration is the first event");
    }

    [Test]
    public async Task ClaimsOfAWork_ByHexId_AnswersAnEmptyList()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/works/{WorkIdHex}/claims");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<ListClaimsResponse>(json!.Value).Claims, Is.Empty);
    }

    [Test]
    public async Task WorkByContentHash_Sha256Hex_FindsTheWork()
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/content/sha256/{Convert.ToHexStringLower(contentSha256)}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<GetWorkResponse>(json!.Value).Work.WorkId, Is.EqualTo(WorkId()));
    }

    [Test]
    public async Task WorksByOwner_MemberInThePath_ListsTheWork()
    {
        var (status, json, _) = await web.GetJsonAsync("/v1/owners/platform-1/works?page_size=1000");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<ListWorksResponse>(json!.Value).Works.Select(w => w.WorkId), Does.Contain(WorkId()));
    }

    [Test]
    public async Task SimilarWorks_PerceptualHashHexAndDistance_FindsTheWorkAtItsDistance()
    {
        var oneBitAway = PerceptualHash ^ 1;
        var (status, json, _) = await web.GetJsonAsync($"/v1/similar-works?perceptual_hash_hex={oneBitAway:x16}&max_distance=2");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var match = ProtoJson.Parse<FindSimilarWorksResponse>(json!.Value).Matches.Single();
        Assert.Multiple(() =>
        {
            Assert.That(match.WorkId, Is.EqualTo(WorkId()));
            Assert.That(match.Distance, Is.EqualTo(1));
            Assert.That(match.PerceptualHash, Is.EqualTo(PerceptualHash), "every digit of the 64-bit number is in the JSON");
            Assert.That(json.Value.GetProperty("matches")[0].GetProperty("perceptualHash").GetString(), Is.EqualTo(PerceptualHash.ToString(System.Globalization.CultureInfo.InvariantCulture)), "a JSON string, as the proto3 mapping says, so JSON.parse cannot round it");
        });
    }

    [Test]
    public async Task MembersAndNodesAndKeys_AnswerTheGenesisConsortium()
    {
        var (membersStatus, members, _) = await web.GetJsonAsync("/v1/members?height=0");
        var (nodesStatus, nodes, _) = await web.GetJsonAsync("/v1/nodes");
        var platformKeyHex = Convert.ToHexStringLower(web.Consortium.Platform.KeyId.Bytes);
        var (keyStatus, key, _) = await web.GetJsonAsync($"/v1/keys/{platformKeyHex}");

        Assert.Multiple(() =>
        {
            Assert.That(membersStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ProtoJson.Parse<GetMembersAtResponse>(members!.Value).Members.Select(m => m.MemberId), Does.Contain("platform-1"));
            Assert.That(nodesStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ProtoJson.Parse<GetNodesResponse>(nodes!.Value).Nodes, Has.Count.EqualTo(1));
            Assert.That(keyStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ProtoJson.Parse<GetKeyResponse>(key!.Value).Key.MemberId, Is.EqualTo("platform-1"));
        });
    }

    [Test]
    public async Task ClaimsByStatus_EnumNameInTheQuery_AnswersAnEmptyList()
    {
        var (status, json, _) = await web.GetJsonAsync("/v1/claims?status=CLAIM_STATUS_FILED");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<ListClaimsResponse>(json!.Value).Claims, Is.Empty);
    }

    [TestCase("licenses")]
    [TestCase("claims")]
    [TestCase("evidence-records")]
    [TestCase("proposals")]
    [TestCase("batch-outcomes")]
    public async Task RecordById_UnknownHexId_IsNotFoundWithTheGrpcCode(string collection)
    {
        var (status, json, _) = await web.GetJsonAsync($"/v1/{collection}/{new string('a', 64)}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(json!.Value.GetProperty("code").GetInt32(), Is.EqualTo((int)Grpc.Core.StatusCode.NotFound));
        Assert.That(json.Value.GetProperty("message").GetString(), Does.StartWith("no ").And.Contain(new string('a', 64)));
    }

    [Test]
    public async Task Blocks_Range_StreamsOneJsonBlockPerLine()
    {
        var response = await web.Web.GetAsync(new Uri($"/v1/blocks?from_height=1&to_height={receipt.BlockHeight}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var blocks = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => ProtoJson.Parse<Block>(line)).ToList();
        Assert.That(blocks.Select(b => b.Header.Height), Is.EqualTo(Enumerable.Range(1, (int)receipt.BlockHeight).Select(h => (ulong)h)));
    }

    [Test]
    public async Task Watch_FromHeightOne_StreamsTheFirstBlockAtOnce()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await web.Web.GetAsync(new Uri("/v1/watch?from_height=1", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var first = await reader.ReadLineAsync(cancel.Token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ProtoJson.Parse<Block>(first!).Header.Height, Is.EqualTo(1));
    }

    private ByteString WorkId() => ByteString.CopyFrom(Convert.FromHexString(WorkIdHex));
}
