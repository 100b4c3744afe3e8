using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Peers;

/// <summary>
/// Carries frames to one remote node over a long-lived <c>Exchange</c> stream. The send queue is
/// bounded and never blocks the drive loop: when it is full the frame is dropped and counted, which
/// Raft tolerates (it retransmits) and which reports the peer as unreachable. The stream is
/// re-established with capped exponential backoff after any failure; <see cref="PeerSenderOutageLog"/>
/// keeps a long outage to a few log lines.
/// </summary>
public sealed class PeerSender : IAsyncDisposable
{
    private readonly string localNodeId;
    private readonly string remoteNodeId;
    private readonly GrpcChannel channel;
    private readonly Channel<PeerFrame> queue;
    private readonly TimeProvider timeProvider;
    private readonly PeerSenderOutageLog outageLog;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private long framesDropped;
    private long framesSent;
    private volatile bool connected;

    public PeerSender(string localNodeId, string remoteNodeId, GrpcChannel channel, int queueCapacity, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        this.localNodeId = localNodeId;
        this.remoteNodeId = remoteNodeId;
        this.channel = channel;
        this.timeProvider = timeProvider;
        outageLog = new PeerSenderOutageLog(remoteNodeId, timeProvider, logger);
        queue = Channel.CreateBounded<PeerFrame>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        loop = Task.Run(RunAsync);
    }

    public string RemoteNodeId => remoteNodeId;

    public bool IsConnected => connected;

    public long FramesDropped => Interlocked.Read(ref framesDropped);

    public long FramesSent => Interlocked.Read(ref framesSent);

    /// <summary>Queues a frame; false (and counted) when the queue is full or the peer is being torn down.</summary>
    public bool TrySend(PeerFrame frame)
    {
        if (queue.Writer.TryWrite(frame))
        {
            return true;
        }

        Interlocked.Increment(ref framesDropped);
        return false;
    }

    private async Task RunAsync()
    {
        var token = stopping.Token;
        var client = new LedgerPeer.LedgerPeerClient(channel);
        var backoff = TimeSpan.FromMilliseconds(50);
        var backoffMax = TimeSpan.FromSeconds(2);
        while (!token.IsCancellationRequested)
        {
            try
            {
                // Wait for something to send before dialling, so idle peers hold no stream.
                if (!await queue.Reader.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    return;
                }

                using var call = client.Exchange(cancellationToken: token);
                connected = true;
                var drainAcks = DrainAcksAsync(call.ResponseStream, token);
                await foreach (var frame in queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    frame.FromNodeId = localNodeId;
                    await call.RequestStream.WriteAsync(frame, token).ConfigureAwait(false);
                    Interlocked.Increment(ref framesSent);
                    backoff = TimeSpan.FromMilliseconds(50);
                    outageLog.Delivered();
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                await drainAcks.ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or HttpRequestException)
            {
                connected = false;
                outageLog.Failed(ex.Message);
                try
                {
                    await Task.Delay(backoff, timeProvider, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, backoffMax.Ticks));
            }
        }
    }

    private static async Task DrainAcksAsync(IAsyncStreamReader<PeerAck> acks, CancellationToken token)
    {
        try
        {
            while (await acks.MoveNext(token).ConfigureAwait(false))
            {
            }
        }
        catch (RpcException)
        {
            // The send side notices the broken stream and reconnects.
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
        channel.Dispose();
    }
}
