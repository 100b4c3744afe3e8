using System.Net;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Health;

/// <summary>
/// Issue #19 item 1: <c>/healthz</c> and <c>/readyz</c> on the web and metrics listeners (what the
/// Kubernetes probes call), chosen by the port a connection arrived on, never on the gRPC ports.
/// </summary>
[NonParallelizable]
public sealed class HealthEndpointsTests
{
    [Test]
    public async Task HealthAndReadiness_OnTheMetricsAndWebListeners_OkOnceTheNodeLeads()
    {
        using var consortium = new TestConsortium(1);
        var metricsUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        var webUrl = $"http://127.0.0.1:{TestConsortium.FreePort()}";
        await using var node = new InProcessNode(consortium.ArgumentsFor(0, ["--metrics-url", metricsUrl, "--web-url", webUrl]), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        using var http = new HttpClient();

        foreach (var listener in new[] { metricsUrl, webUrl })
        {
            using var live = await http.GetAsync($"{listener}/healthz");
            using var ready = await http.GetAsync($"{listener}/readyz");
            Assert.Multiple(async () =>
            {
                Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK), listener);
                Assert.That(await live.Content.ReadAsStringAsync(), Is.EqualTo("ok\n"));
                Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), listener);
                Assert.That(ready.Headers.CacheControl?.NoStore, Is.True);
                Assert.That(ready.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            });
        }

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{metricsUrl}/readyz"));
        using var post = await http.PostAsync($"{metricsUrl}/readyz", new StringContent(""));
        Assert.Multiple(() =>
        {
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        });
    }

    [Test]
    public async Task HealthPaths_OnThePublicGrpcPort_NotServed()
    {
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync($"{consortium.Nodes[0].PublicUrl}/readyz");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Readiness_FollowerThatLostItsLeader_NotReadyButLive()
    {
        using var consortium = new TestConsortium(3);
        var metricsUrls = new List<string>();
        var nodes = new List<InProcessNode>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                metricsUrls.Add($"http://127.0.0.1:{TestConsortium.FreePort()}");
                nodes.Add(new InProcessNode(consortium.ArgumentsFor(i, ["--metrics-url", metricsUrls[i]]), consortium.Nodes[i].PublicUrl));
                await nodes[i].StartAsync();
            }

            await Eventually.WaitUntilAsync(() => nodes.Exists(n => n.Node.IsLeader) && nodes.TrueForAll(n => n.Node.RaftStatus.Leader != 0));
            using var http = new HttpClient();
            var leader = nodes.FindIndex(n => n.Node.IsLeader);
            var follower = (leader + 1) % 3;
            using (var readyBefore = await http.GetAsync($"{metricsUrls[follower]}/readyz"))
            {
                Assert.That(readyBefore.StatusCode, Is.EqualTo(HttpStatusCode.OK), await readyBefore.Content.ReadAsStringAsync());
            }

            // Both other nodes stop: the follower's election timeout passes and it knows no leader (no quorum to elect one).
            await nodes[leader].StopAsync();
            await nodes[(leader + 2) % 3].StopAsync();
            await Eventually.WaitUntilAsync(() => nodes[follower].Node.RaftStatus.Leader == 0);
            using var ready = await http.GetAsync($"{metricsUrls[follower]}/readyz");
            using var live = await http.GetAsync($"{metricsUrls[follower]}/healthz");

            Assert.Multiple(async () =>
            {
                Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(await ready.Content.ReadAsStringAsync(), Does.Contain("no leader known"));
                Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
