using System.Net;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Web;

/// <summary>In development mode (no genesis file) the web listener is on by default and its URL is printed next to the gRPC endpoint.</summary>
[NonParallelizable]
public sealed class DevelopmentWebListenerTests
{
    [Test]
    public async Task Build_DevelopmentModeWithoutWebUrl_PrintsTheDefaultWebUrl()
    {
        // Built, never started: nothing binds port 7080 (other processes on the machine may use it).
        var banner = await BuildAndCaptureBannerAsync([]);

        Assert.That(banner, Does.Contain("web          : http://localhost:7080  (explorer /, verifier /verify.html, JSON API /v1/...)"));
    }

    [Test]
    public async Task Build_DevelopmentModeWithWebUrlOff_PrintsOff()
    {
        var banner = await BuildAndCaptureBannerAsync(["--web-url", "off"]);

        Assert.That(banner, Does.Contain("web          : off"));
    }

    [Test]
    public async Task Start_DevelopmentModeWithAWebUrl_PrintsItAndServesTheJsonApi()
    {
        var data = Directory.CreateTempSubdirectory("ledger-dev-web-").FullName;
        var webUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        var publicUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        try
        {
            var node = new InProcessNode(["--dev", "--data-dir", data, "--public-url", publicUrl, "--peer-url", $"http://127.0.0.1:{TestConsortium.FreePort()}", "--web-url", webUrl], publicUrl);
            var banner = await ConsoleCapture.RunAsync(() => node.StartAsync());
            await using (node)
            {
                using var client = new HttpClient { BaseAddress = new Uri(webUrl) };
                using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative));

                Assert.That(banner, Does.Contain($"web          : {webUrl}"));
                Assert.That(banner, Does.Contain($"public gRPC  : {publicUrl}"));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"chainId\":\"dev-ledger\""));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> BuildAndCaptureBannerAsync(string[] extra)
    {
        var data = Directory.CreateTempSubdirectory("ledger-dev-web-").FullName;
        try
        {
            string[] args = ["--dev", "--data-dir", data, "--public-url", $"http://127.0.0.1:{TestConsortium.FreePort()}", "--peer-url", $"http://127.0.0.1:{TestConsortium.FreePort()}", .. extra];
            return await ConsoleCapture.RunAsync(async () =>
            {
                var (app, node) = NodeProgram.Build(args);
                await node.DisposeAsync();
                await app.DisposeAsync();
            });
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
