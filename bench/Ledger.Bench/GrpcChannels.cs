using Grpc.Net.Client;

namespace Ledger.Bench;

/// <summary>One plaintext HTTP/2 channel configuration for both systems under test, so the client side is identical.</summary>
public static class GrpcChannels
{
    public static GrpcChannel Create(string url) =>
        GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // Past a server's stream limit per connection, open more connections rather than queue.
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
}
