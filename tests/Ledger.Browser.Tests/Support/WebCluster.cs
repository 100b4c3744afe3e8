using Grpc.Core;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// A consortium of real node processes on loopback (<see cref="TestConsortium"/>, <see cref="NodeProcess"/>),
/// each with its web listener (<c>--web-url</c>) on a port of its own: what the explorer is served from.
/// Disposing kills every process and deletes every data directory.
/// </summary>
public sealed class WebCluster : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(2);

    private WebCluster(int nodeCount)
    {
        Consortium = new TestConsortium(nodeCount);
        for (var i = 0; i < nodeCount; i++)
        {
            var webUrl = new Uri($"http://127.0.0.1:{TestConsortium.FreePort()}/");
            WebUrls.Add(webUrl);
            var config = Consortium.Nodes[i];
            Nodes.Add(new NodeProcess(config.NodeId, config.PublicUrl, Consortium.ArgumentsFor(i, ["--web-url", webUrl.GetLeftPart(UriPartial.Authority)])));
        }
    }

    public TestConsortium Consortium { get; }

    public List<NodeProcess> Nodes { get; } = [];

    /// <summary>Each node's web listener, same order as <see cref="Nodes"/>.</summary>
    public List<Uri> WebUrls { get; } = [];

    public static WebCluster Start(int nodeCount)
    {
        var cluster = new WebCluster(nodeCount);
        try
        {
            foreach (var node in cluster.Nodes)
            {
                node.Start();
            }
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return cluster;
    }

    /// <summary>Waits until some node reports itself Leader; fails the test with the nodes' output otherwise.</summary>
    public async Task WaitForLeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in Nodes)
            {
                if (await TryStatusAsync(node) is { Role: "Leader" })
                {
                    return;
                }
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"no leader within {timeout}:\n{string.Join("\n", Nodes.Select(n => n.RecentOutput()))}");
    }

    public string RecentOutput() => string.Join("\n", Nodes.Select(n => n.RecentOutput()));

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Consortium.Dispose();
    }

    private static async Task<StatusResponse?> TryStatusAsync(NodeProcess node)
    {
        if (!node.IsRunning)
        {
            return null;
        }

        try
        {
            return await node.Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusDeadline);
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
