using System.Net;
using System.Text.Json;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Web;

/// <summary>A single in-process node of a one-node test consortium with its web listener on a free loopback port, and HTTP clients for it.</summary>
public sealed class WebTestNode : IAsyncDisposable
{
    private WebTestNode(TestConsortium consortium, InProcessNode node, string webUrl)
    {
        Consortium = consortium;
        Node = node;
        WebUrl = webUrl;
        Web = new HttpClient { BaseAddress = new Uri(webUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public TestConsortium Consortium { get; }

    public InProcessNode Node { get; }

    public string WebUrl { get; }

    /// <summary>HTTP/1.1 client of the web listener.</summary>
    public HttpClient Web { get; }

    /// <param name="nodeCount">Consortium size; only the first node is started (more than one: it never elects a leader); a one-node consortium is returned once its node leads.</param>
    public static async Task<WebTestNode> StartAsync(int nodeCount = 1, IReadOnlyList<string>? extra = null)
    {
        var consortium = new TestConsortium(nodeCount);
        var webUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        var node = new InProcessNode(consortium.ArgumentsFor(0, ["--web-url", webUrl, .. extra ?? []]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        if (nodeCount == 1)
        {
            await node.WaitUntilLeaderAsync();
        }

        return new WebTestNode(consortium, node, webUrl);
    }

    /// <summary>GET on the web listener; the status and the parsed JSON body (null when the body is empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Json, HttpResponseMessage Response)> GetJsonAsync(string path)
    {
        var response = await Web.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    /// <summary>An HTTP/2 (prior knowledge, cleartext) client of any of the node's listeners.</summary>
    public static HttpClient Http2Client(string baseUrl) => new()
    {
        BaseAddress = new Uri(baseUrl),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        Web.Dispose();
        await Node.DisposeAsync();
        Consortium.Dispose();
    }
}
