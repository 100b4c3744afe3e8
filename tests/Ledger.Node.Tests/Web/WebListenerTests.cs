using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Web;
using Ledger.Web;

namespace Ledger.Node.Tests.Web;

/// <summary>
/// The web listener serves the /v1 JSON routes and the browser files, with security headers, and
/// nothing else; the gRPC port keeps serving gRPC only (chosen by the port a connection arrived on).
/// </summary>
[NonParallelizable]
public sealed class WebListenerTests
{
    private WebTestNode web = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => web = await WebTestNode.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await web.DisposeAsync();

    [Test]
    public async Task JsonRoute_OnTheWebListener_CarriesTheSecurityHeaders()
    {
        var (status, _, response) = await web.GetJsonAsync("/v1/status");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
            Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"));
            Assert.That(Header(response, "Content-Security-Policy"), Is.EqualTo(ContentSecurityPolicy.Json));
            Assert.That(Header(response, "Cache-Control"), Is.EqualTo("no-store"));
        });
    }

    [Test]
    public void JsonRoute_Http2PriorKnowledgeInCleartext_IsAskedForHttp11()
    {
        // Kestrel speaks HTTP/2 on an HTTP/1.1-and-2 listener only when TLS negotiates it (ALPN): an https
        // web URL serves both; a cleartext one serves HTTP/1.1, which every browser uses for http://.
        using var client = WebTestNode.Http2Client(web.WebUrl);

        var refused = Assert.ThrowsAsync<HttpRequestException>(async () => await client.GetAsync(new Uri("/v1/status", UriKind.Relative)));

        Assert.That(refused!.Message, Does.Contain("HTTP_1_1_REQUIRED"));
    }

    [TestCase("/package.json", TestName = "UnservedPath_EmbeddedButOutsideTheServedFolders_Is404")]
    [TestCase("/README.md", TestName = "UnservedPath_NotEmbedded_Is404")]
    [TestCase("/metrics", TestName = "UnservedPath_Metrics_Is404")]
    [TestCase("/ledger.v1.LedgerApi/Status", TestName = "UnservedPath_GrpcMethodPath_Is404")]
    [TestCase("/v1/nothing", TestName = "UnservedPath_UnknownV1Route_Is404")]
    [TestCase("/explorer/../../etc/passwd", TestName = "UnservedPath_DotSegments_Is404")]
    public async Task UnservedPath_OnTheWebListener_Is404WithTheSecurityHeaders(string path)
    {
        using var response = await web.Web.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task JsonRoute_PostInsteadOfGet_IsNotServed()
    {
        using var response = await web.Web.PostAsync(new Uri("/v1/status", UriKind.Relative), new StringContent("{}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task EveryServedFile_OfThisBuild_IsServedWithItsTypeEtagAndPolicy()
    {
        var files = StaticWebFiles.FromWebAssets();

        foreach (var path in files.RequestPaths)
        {
            files.TryGet(path, out var expected);
            using var response = await web.Web.GetAsync(new Uri(path, UriKind.Relative));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(expected.Content), path);
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo(expected.ContentType), path);
            Assert.That(Header(response, "Content-Security-Policy"), Is.EqualTo(expected.ContentSecurityPolicy), path);
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"), path);
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo(expected.ETag), path);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.TryAddWithoutValidation("If-None-Match", expected.ETag);
            using var revalidated = await web.Web.SendAsync(again);
            Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), path);
        }

        Assert.That(files.RequestPaths.Count, Is.EqualTo(WebAssets.Paths.Count(p => p.StartsWith("explorer/", StringComparison.Ordinal) || p.StartsWith("verifier/", StringComparison.Ordinal)
            || p.StartsWith("vendor/", StringComparison.Ordinal) || p.StartsWith("verify/", StringComparison.Ordinal) || p == "verify.html") + (WebAssets.TryGet(StaticWebFiles.IndexAsset, out _) ? 1 : 0)));
    }

    [Test]
    public async Task JsonRoute_OnTheGrpcPort_Is404()
    {
        using var client = WebTestNode.Http2Client(web.Node.PublicUrl);

        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task GrpcCall_OnTheGrpcPort_StillWorks()
    {
        var status = await web.Node.Client.StatusAsync(new StatusRequest());

        Assert.That(status.ChainId, Is.EqualTo(web.Consortium.ChainId));
    }

    [Test]
    public void GrpcCall_OnTheWebListener_IsRefused()
    {
        using var channel = GrpcChannel.ForAddress(web.WebUrl);
        var client = new LedgerApi.LedgerApiClient(channel);

        var refused = Assert.ThrowsAsync<RpcException>(async () => await client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));

        Assert.That(refused!.StatusCode, Is.Not.EqualTo(StatusCode.OK).And.Not.EqualTo(StatusCode.DeadlineExceeded), refused.Status.Detail);
    }

    [Test]
    public async Task Request_HeadersOverTheServerBound_Is431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        request.Headers.Add("X-Padding", new string('x', 40 * 1024));

        using var response = await web.Web.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestHeaderFieldsTooLarge));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;
}
