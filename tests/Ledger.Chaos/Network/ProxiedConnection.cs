using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Ledger.Chaos.Network;

/// <summary>One connection through a <see cref="FaultProxy"/>: a pump per direction, each through a delay queue.</summary>
internal sealed class ProxiedConnection(FaultProxy proxy, Socket source)
{
    private const int ChunkBytes = 16 * 1024;
    /// <summary>Chunks waiting for their delay per connection and direction; a full queue holds the reader back.</summary>
    private const int ChunksQueuedMax = 256;

    private readonly CancellationTokenSource closed = new();
    private Socket? target;
    private int lostBytes;

    /// <summary>Bytes of the source were discarded (blackhole): the stream above TCP is broken for good.</summary>
    public bool LostBytes => Volatile.Read(ref lostBytes) != 0;

    public async Task RunAsync(int targetPort, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, closed.Token);
        try
        {
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            target = upstream;
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, targetPort), linked.Token).ConfigureAwait(false);
            var forward = PumpAsync(source, upstream, sourceToTarget: true, linked.Token);
            var backward = PumpAsync(upstream, source, sourceToTarget: false, linked.Token);
            await Task.WhenAny(forward, backward).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Closes both sides with a TCP reset, as a dropped link or a crashed peer would look.</summary>
    public void Reset()
    {
        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        ResetSocket(source);
        if (target is { } upstream)
        {
            ResetSocket(upstream);
        }
    }

    public static void ResetSocket(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool sourceToTarget, CancellationToken cancel)
    {
        var queue = Channel.CreateBounded<(byte[] Bytes, int Count, long DueTimestamp)>(new BoundedChannelOptions(ChunksQueuedMax) { SingleReader = true, SingleWriter = true });
        var writer = WriteLoopAsync(queue.Reader, to, cancel);
        long lastDue = 0;
        try
        {
            while (true)
            {
                var buffer = new byte[ChunkBytes];
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var state = proxy.State;
                if (state.Mode == LinkMode.Drop)
                {
                    break;
                }

                if (state.Mode == LinkMode.Blackhole && sourceToTarget)
                {
                    Interlocked.Exchange(ref lostBytes, 1);
                    continue;
                }

                var delayMilliseconds = state.DelayMilliseconds + proxy.NextJitterMilliseconds(state.JitterMilliseconds);
                var due = Stopwatch.GetTimestamp() + (delayMilliseconds * Stopwatch.Frequency / 1000);
                lastDue = Math.Max(lastDue, due);
                await queue.Writer.WriteAsync((buffer, read, lastDue), cancel).ConfigureAwait(false);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task WriteLoopAsync(ChannelReader<(byte[] Bytes, int Count, long DueTimestamp)> reader, Socket to, CancellationToken cancel)
    {
        await foreach (var (bytes, count, due) in reader.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancel).ConfigureAwait(false);
            }

            await to.SendAsync(bytes.AsMemory(0, count), SocketFlags.None, cancel).ConfigureAwait(false);
            var cap = proxy.State.BytesPerSecondMax;
            if (cap > 0)
            {
                // A capped link: the next chunk leaves only once this one "fit" through the wire.
                await Task.Delay(TimeSpan.FromSeconds((double)count / cap), cancel).ConfigureAwait(false);
            }
        }
    }
}
