using System.Net;
using System.Net.Sockets;
using Ledger.Chaos.Network;

namespace Ledger.Chaos.Tests.Network;

/// <summary>Clients reach each node through a proxy of their own, cut apart from the peer links.</summary>
public sealed class ProxyMeshClientLinkTests
{
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(5);

    [Test]
    public async Task ClientLinkDropped_ClientsLoseThatNodeOnly_PeersAndOtherNodesStillPass()
    {
        await using var peer1 = new EchoServer();
        await using var peer2 = new EchoServer();
        await using var public1 = new EchoServer();
        await using var public2 = new EchoServer();
        await using var mesh = new ProxyMesh(
            new Dictionary<string, int> { ["node-1"] = peer1.Port, ["node-2"] = peer2.Port },
            seed: 7,
            new Dictionary<string, int> { ["node-1"] = public1.Port, ["node-2"] = public2.Port });

        mesh.SetClientLink("node-1", new LinkState { Mode = LinkMode.Drop });

        Assert.That(await AnswersAsync(ClientPort(mesh, "node-1")), Is.False, "clients cannot reach node-1");
        Assert.That(await AnswersAsync(ClientPort(mesh, "node-2")), Is.True, "clients still reach node-2");
        Assert.That(await AnswersAsync(mesh["node-2", "node-1"].Port), Is.True, "node-2 still reaches node-1 as a peer");
        Assert.That(mesh.DescribeFaults(), Has.Some.StartsWith("clients->node-1:"));
    }

    [Test]
    public async Task HealAll_RestoresClientLinksToo()
    {
        await using var peer1 = new EchoServer();
        await using var peer2 = new EchoServer();
        await using var public1 = new EchoServer();
        await using var mesh = new ProxyMesh(
            new Dictionary<string, int> { ["node-1"] = peer1.Port, ["node-2"] = peer2.Port },
            seed: 7,
            new Dictionary<string, int> { ["node-1"] = public1.Port });
        mesh.SetClientLink("node-1", new LinkState { Mode = LinkMode.Drop });

        mesh.HealAll();

        Assert.That(await AnswersAsync(ClientPort(mesh, "node-1")), Is.True);
        Assert.That(mesh.DescribeFaults(), Is.Empty);
    }

    [Test]
    public async Task NoPublicPorts_ClientsGoDirect()
    {
        await using var peer1 = new EchoServer();
        await using var peer2 = new EchoServer();
        await using var mesh = new ProxyMesh(new Dictionary<string, int> { ["node-1"] = peer1.Port, ["node-2"] = peer2.Port }, seed: 7);

        Assert.That(mesh.HasClientLinks, Is.False);
        Assert.That(mesh.ClientUrlFor("node-1"), Is.Null);
    }

    private static int ClientPort(ProxyMesh mesh, string node) => new Uri(mesh.ClientUrlFor(node)!).Port;

    /// <summary>A byte sent through a new connection comes back.</summary>
    private static async Task<bool> AnswersAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await socket.SendAsync(new byte[] { 42 }, SocketFlags.None);
            using var timeout = new CancellationTokenSource(ReadWait);
            var buffer = new byte[1];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return read == 1 && buffer[0] == 42;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
