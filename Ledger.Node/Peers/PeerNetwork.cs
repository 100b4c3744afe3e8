using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Configuration;
using Ledger.Node.Consensus;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Peers;

/// <summary>
/// Outbound side of node-to-node traffic: one <see cref="PeerSender"/> per remote node, created on
/// first use. Raft messages and attestations ride the same bounded per-peer stream. With TLS
/// configured every connection presents this node's certificate and accepts only servers whose
/// certificate chains to the consortium CA and names the expected node.
/// </summary>
public sealed class PeerNetwork : IRaftTransport, IAsyncDisposable
{
    private readonly string localNodeId;
    private readonly Func<ulong, PeerAddress?> resolve;
    private readonly int queueCapacity;
    private readonly PeerTls? tls;
    private readonly TimeProvider timeProvider;
    private readonly ILoggerFactory loggerFactory;
    private readonly Lock sync = new();
    private readonly Dictionary<ulong, PeerSender> senders = [];
    private readonly Dictionary<ulong, GrpcChannel> forwardChannels = [];

    /// <summary>This node's id (what its peers know it by).</summary>
    public string LocalNodeId => localNodeId;

    public PeerNetwork(string localNodeId, Func<ulong, PeerAddress?> resolve, int queueCapacity, PeerTls? tls, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        this.localNodeId = localNodeId;
        this.resolve = resolve;
        this.queueCapacity = queueCapacity;
        this.tls = tls;
        this.timeProvider = timeProvider;
        this.loggerFactory = loggerFactory;
    }

    public bool Send(Message message)
    {
        var sender = SenderFor(message.To);
        return sender is not null && sender.TrySend(new PeerFrame { Raft = RaftWireCodec.ToWire(message) });
    }

    /// <summary>Sends an attestation to every known peer except this node.</summary>
    public void Broadcast(Core.Protocol.Attestation attestation, IEnumerable<ulong> peers)
    {
        foreach (var peer in peers)
        {
            SenderFor(peer)?.TrySend(new PeerFrame { Attestation = attestation });
        }
    }

    /// <summary>A client for unary peer calls (forwarding submissions) to <paramref name="raftId"/>, or null when unknown.</summary>
    public LedgerPeer.LedgerPeerClient? ClientFor(ulong raftId)
    {
        lock (sync)
        {
            if (!forwardChannels.TryGetValue(raftId, out var channel))
            {
                var address = resolve(raftId);
                if (address is null)
                {
                    return null;
                }

                channel = CreateChannel(address);
                forwardChannels[raftId] = channel;
            }

            return new LedgerPeer.LedgerPeerClient(channel);
        }
    }

    /// <summary>
    /// Closes the connections to <paramref name="raftId"/> (a node that left the consortium) so they stop
    /// reconnecting; a later send to it opens a new one.
    /// </summary>
    public void Forget(ulong raftId)
    {
        PeerSender? sender;
        GrpcChannel? channel;
        lock (sync)
        {
            senders.Remove(raftId, out sender);
            forwardChannels.Remove(raftId, out channel);
        }

        channel?.Dispose();
        if (sender is not null)
        {
            // Called on the drive loop: the sender's shutdown runs elsewhere.
            _ = Task.Run(async () => await sender.DisposeAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Raft ids this network holds connections to.</summary>
    public IReadOnlyList<ulong> ConnectedPeers()
    {
        lock (sync)
        {
            return [.. senders.Keys, .. forwardChannels.Keys];
        }
    }

    public IReadOnlyDictionary<ulong, (bool Connected, long Sent, long Dropped)> Stats()
    {
        lock (sync)
        {
            var stats = new Dictionary<ulong, (bool, long, long)>();
            foreach (var (id, sender) in senders)
            {
                stats[id] = (sender.IsConnected, sender.FramesSent, sender.FramesDropped);
            }

            return stats;
        }
    }

    private PeerSender? SenderFor(ulong raftId)
    {
        lock (sync)
        {
            if (senders.TryGetValue(raftId, out var sender))
            {
                return sender;
            }

            var address = resolve(raftId);
            if (address is null)
            {
                return null;
            }

            sender = new PeerSender(localNodeId, address.NodeId, CreateChannel(address), queueCapacity, timeProvider, loggerFactory.CreateLogger<PeerSender>());
            senders[raftId] = sender;
            return sender;
        }
    }

    private GrpcChannel CreateChannel(PeerAddress address)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        if (tls is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // Asked per connection: a renewed certificate file is presented on the next connection (TlsCertificateFiles).
                LocalCertificateSelectionCallback = (_, _, _, _, _) => tls.Current,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 presented
                    && ConsortiumCertificateAuthority.ChainsTo(presented, tls.Authority, timeProvider.GetUtcNow())
                    && string.Equals(ConsortiumCertificateAuthority.NodeIdOf(presented), address.NodeId, StringComparison.Ordinal),
            };
        }

        return GrpcChannel.ForAddress(address.Url, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxSendMessageSize = NodeOptions.PeerChannelMessageBytesMax,
            MaxReceiveMessageSize = NodeOptions.PeerChannelMessageBytesMax,
        });
    }

    public async ValueTask DisposeAsync()
    {
        PeerSender[] all;
        GrpcChannel[] channels;
        lock (sync)
        {
            all = [.. senders.Values];
            channels = [.. forwardChannels.Values];
            senders.Clear();
            forwardChannels.Clear();
        }

        foreach (var sender in all)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }
    }
}

/// <summary>Where a peer listens, and the node id its certificate must carry.</summary>
public sealed record PeerAddress(string NodeId, string Url);

/// <summary>This node's client certificate and the consortium CA that peers must chain to.</summary>
public sealed record PeerTls(X509Certificate2 Certificate, X509Certificate2 Authority)
{
    /// <summary>When set, the certificate files this node's certificate is read from and re-read when they change.</summary>
    public Tls.TlsCertificateFiles? Files { get; init; }

    /// <summary>The certificate to present in a handshake now: the files' current one, else <see cref="Certificate"/>.</summary>
    public X509Certificate2 Current => Files?.Current ?? Certificate;
}
