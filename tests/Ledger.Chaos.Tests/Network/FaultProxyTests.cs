using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ledger.Chaos.Network;

namespace Ledger.Chaos.Tests.Network;

public sealed class FaultProxyTests
{
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SilenceWait = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task Pass_BytesReachTheTargetAndTheAnswerComesBack()
    {
        await using var echo = new EchoServer();
        await using var proxy = new FaultProxy(echo.Port);
        using var client = await ConnectAsync(proxy);

        var answer = await RoundTripAsync(client, "hello"u8.ToArray());

        Assert.That(answer, Is.EqualTo("hello"u8.ToArray()));
    }

    [Test]
    public async Task Drop_OpenConnectionIsResetAndNewOnesAreRefused()
    {
        await using var echo = new EchoServer();
        await using var proxy = new FaultProxy(echo.Port);
        using var open = await ConnectAsync(proxy);
        await RoundTripAsync(open, [1]);

        proxy.State = new LinkState { Mode = LinkMode.Drop };

        Assert.That(await IsClosedAsync(open), Is.True, "the open connection is reset");
        Assert.That(await IsRefusedAsync(proxy), Is.True, "a new connection is closed at once");
    }

    [Test]
    public async Task Blackhole_SourceBytesVanishAndTheConnectionIsResetOnHeal()
    {
        await using var echo = new EchoServer();
        await using var proxy = new FaultProxy(echo.Port);
        using var client = await ConnectAsync(proxy);
        await RoundTripAsync(client, [1]);
        proxy.State = new LinkState { Mode = LinkMode.Blackhole };

        await client.SendAsync(new byte[] { 2, 3, 4 }, SocketFlags.None);
        var answered = await TryReadAsync(client, SilenceWait);

        Assert.That(answered, Is.Null, "nothing comes back");
        Assert.That(echo.BytesReceived, Is.EqualTo(1), "nothing reached the target after the first byte");
        proxy.State = LinkState.Healthy;
        Assert.That(await IsClosedAsync(client), Is.True, "a connection that lost bytes is broken above TCP: reset on heal");
    }

    [Test]
    public async Task Delay_EachDirectionWaitsAtLeastTheDelay()
    {
        await using var echo = new EchoServer();
        await using var proxy = new FaultProxy(echo.Port);
        using var client = await ConnectAsync(proxy);
        await RoundTripAsync(client, [1]);
        proxy.State = new LinkState { DelayMilliseconds = 150, JitterMilliseconds = 20 };

        var watch = Stopwatch.StartNew();
        var answer = await RoundTripAsync(client, [7]);

        Assert.That(answer, Is.EqualTo(new byte[] { 7 }));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)), "150 ms there and 150 ms back");
    }

    [Test]
    public async Task BandwidthCap_ManyBytesTakeAtLeastTheirTimeOnTheWire()
    {
        await using var echo = new EchoServer();
        await using var proxy = new FaultProxy(echo.Port);
        using var client = await ConnectAsync(proxy);
        proxy.State = new LinkState { BytesPerSecondMax = 64 * 1024 };
        var payload = new byte[48 * 1024];

        var watch = Stopwatch.StartNew();
        var answer = await RoundTripAsync(client, payload);

        Assert.That(answer, Has.Length.EqualTo(payload.Length));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500)), "48 KiB through a 64 KiB/s link, twice");
    }

    private static async Task<Socket> ConnectAsync(FaultProxy proxy)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port));
        return socket;
    }

    private static async Task<byte[]> RoundTripAsync(Socket socket, byte[] payload)
    {
        await socket.SendAsync(payload, SocketFlags.None);
        var received = new List<byte>();
        using var timeout = new CancellationTokenSource(ReadWait);
        var buffer = new byte[64 * 1024];
        while (received.Count < payload.Length)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        return [.. received];
    }

    /// <summary>The bytes read within <paramref name="wait"/>, or null when none came (and the connection stayed open).</summary>
    private static async Task<byte[]?> TryReadAsync(Socket socket, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[1024];
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return buffer[..read];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A new connection fails: reset during the connect or closed before any byte.</summary>
    private static async Task<bool> IsRefusedAsync(FaultProxy proxy)
    {
        Socket socket;
        try
        {
            socket = await ConnectAsync(proxy);
        }
        catch (SocketException)
        {
            return true;
        }

        using (socket)
        {
            return await IsClosedAsync(socket);
        }
    }

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        try
        {
            var read = await TryReadAsync(socket, ReadWait);
            return read is { Length: 0 };
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
