using System.Net;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

[NonParallelizable]
public sealed class MetricsEndpointTests
{
    [Test]
    public async Task Metrics_AfterSubmissions_ReportEachStageRefusalsAndTheHeight()
    {
        using var consortium = new TestConsortium(1);
        var (node, metricsUrl) = await StartWithMetricsAsync(consortium);
        await using var running = node;
        await WaitUntilLeaderAsync(node);

        await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var tampered = consortium.RegisterWork();
        tampered.Signature = Google.Protobuf.ByteString.CopyFrom(new byte[tampered.Signature.Length]);
        Assert.ThrowsAsync<RpcException>(async () => await node.Client.SubmitAsync(new SubmitRequest { Transaction = tampered }));

        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{metricsUrl}/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "ledger_submit_seconds_count"), Is.EqualTo(2), "both submissions, the refused one included");
            Assert.That(Value(text, "ledger_admission_seconds_count"), Is.EqualTo(1), "only the admitted one passed the door");
            Assert.That(Value(text, "ledger_batch_transactions_sum"), Is.EqualTo(1));
            Assert.That(Value(text, "ledger_block_apply_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "ledger_raft_persist_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "ledger_apply_queue_wait_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "ledger_submissions_refused_total{code=\"InvalidArgument\"}"), Is.EqualTo(1));
            Assert.That(Value(text, "ledger_height"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "ledger_raft_is_leader"), Is.EqualTo(1));
            Assert.That(Value(text, "ledger_submit_stream_answers_pending"), Is.Zero, "no SubmitStream is open");
        });
    }

    [Test]
    public async Task Metrics_AfterReads_ReportEachReadMethodsHandlerTimeAndCpuButNotSubmissions()
    {
        using var consortium = new TestConsortium(1);
        var (node, metricsUrl) = await StartWithMetricsAsync(consortium);
        await using var running = node;
        await WaitUntilLeaderAsync(node);
        var receipt = (await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() })).Receipt;

        await node.Client.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = receipt.TxHash });
        await node.Client.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = receipt.TxHash });
        await node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = receipt.TxHash });
        Assert.ThrowsAsync<RpcException>(async () => await node.Client.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = Google.Protobuf.ByteString.CopyFrom(new byte[32]) }));

        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{metricsUrl}/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "ledger_read_seconds_count{method=\"GetInclusionProof\"}"), Is.EqualTo(3), "answered and refused calls alike");
            Assert.That(Value(text, "ledger_read_seconds_count{method=\"GetTransaction\"}"), Is.EqualTo(1));
            Assert.That(Value(text, "ledger_read_cpu_seconds_total{method=\"GetInclusionProof\"}"), Is.GreaterThan(0));
            Assert.That(text, Does.Not.Contain("method=\"Submit\""), "submissions have their own figures (ledger_submit_seconds)");
        });
    }

    [TestCase("/ledger.v1.LedgerApi/GetInclusionProof", "GetInclusionProof")]
    [TestCase("/ledger.v1.RegistryQuery/GetWork", "GetWork")]
    [TestCase("/ledger.v1.EvidenceApi/GetEvidenceBundle", "GetEvidenceBundle")]
    [TestCase("/ledger.v1.LedgerApi/Submit", null)]
    [TestCase("/ledger.v1.LedgerApi/AddCosignature", null)]
    [TestCase("/ledger.v1.LedgerPeer/Step", null)]
    [TestCase("/ledger.v1.NodeAdmin/Backup", null)]
    public void ReadTimingInterceptor_Label_TimesPublicReadsOnly(string method, string? expected)
    {
        Assert.That(Ledger.Node.Metrics.ReadTimingInterceptor.Label(method), Is.EqualTo(expected));
    }

    [Test]
    public async Task Metrics_AreNotServedOnThePublicGrpcPort()
    {
        using var consortium = new TestConsortium(1);
        var (node, _) = await StartWithMetricsAsync(consortium);
        await using var running = node;

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync($"{consortium.Nodes[0].PublicUrl}/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Metrics_ForgedHostHeaderOnThePublicOrPeerPort_AreNotServed()
    {
        using var consortium = new TestConsortium(1);
        var (node, metricsUrl) = await StartWithMetricsAsync(consortium);
        await using var running = node;

        // The request names the metrics listener (Host / :authority) but is sent to another port.
        using var viaPublic = await GetMetricsThroughAsync(metricsUrl, new Uri(consortium.Nodes[0].PublicUrl).Port);
        using var viaPeer = await GetMetricsThroughAsync(metricsUrl, new Uri(consortium.Nodes[0].PeerUrl).Port);
        using var scrape = new HttpClient();
        using var viaMetrics = await scrape.GetAsync($"{metricsUrl}/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(viaPublic.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "public port, Host naming the metrics listener");
            Assert.That(viaPeer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "peer port, Host naming the metrics listener");
            Assert.That(viaMetrics.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the metrics listener itself");
        });
    }

    /// <summary>GET {metricsUrl}/metrics over HTTP/2, with the connection made to <paramref name="port"/> instead.</summary>
    private static async Task<HttpResponseMessage> GetMetricsThroughAsync(string metricsUrl, int port)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        return await http.GetAsync($"{metricsUrl}/metrics");
    }

    private static async Task<(InProcessNode Node, string MetricsUrl)> StartWithMetricsAsync(TestConsortium consortium)
    {
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        var node = new InProcessNode(consortium.ArgumentsFor(0, ["--metrics-url", metricsUrl]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        return (node, metricsUrl);
    }

    private static double Value(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"series {series} missing from the exposition");
        return double.NaN;
    }

    private static async Task WaitUntilLeaderAsync(InProcessNode node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!node.Node.IsLeader && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(node.Node.IsLeader, Is.True, "a single node leads");
    }
}
