using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;

namespace Ledger.Bench;

/// <summary>The ledger side: pre-signed registrations sent to the Raft leader, by unary Submit or over SubmitStream.</summary>
public sealed class LedgerTarget : IDisposable
{
    private readonly GrpcChannel channel;
    private readonly LedgerApi.LedgerApiClient api;
    private AsyncDuplexStreamingCall<SubmitRequest, SubmitResponse>[] streams = [];

    private LedgerTarget(string url, GrpcChannel channel)
    {
        Url = url;
        this.channel = channel;
        api = new LedgerApi.LedgerApiClient(channel);
    }

    public string Url { get; }

    public static async Task<LedgerTarget> ConnectAsync(IReadOnlyList<string> urls, TimeSpan waitMax)
    {
        using var give = new CancellationTokenSource(waitMax);
        while (true)
        {
            foreach (var url in urls)
            {
                try
                {
                    using var probe = GrpcChannels.Create(url);
                    var status = await new LedgerApi.LedgerApiClient(probe).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: give.Token).ConfigureAwait(false);
                    if (string.Equals(status.Role, "Leader", StringComparison.OrdinalIgnoreCase))
                    {
                        Console.Error.WriteLine($"ledger leader: {status.NodeId} at {url} (term {status.Term}, height {status.Height})");
                        return new LedgerTarget(url, GrpcChannels.Create(url));
                    }
                }
                catch (RpcException)
                {
                    // Not up yet or mid-election: keep polling until the deadline.
                }
            }

            await Task.Delay(200, give.Token).ConfigureAwait(false);
        }
    }

    public async Task<bool> SubmitAsync(SubmitRequest request, CancellationToken cancellation)
    {
        var response = await api.SubmitAsync(request, cancellationToken: cancellation).ConfigureAwait(false);
        return response.Receipt is not null;
    }

    /// <summary>Opens one SubmitStream per client; each then carries one submission at a time.</summary>
    public void OpenStreams(int clients)
    {
        streams = new AsyncDuplexStreamingCall<SubmitRequest, SubmitResponse>[clients];
        for (var c = 0; c < clients; c++)
        {
            streams[c] = api.SubmitStream();
        }
    }

    public async Task<bool> SubmitOnStreamAsync(int client, SubmitRequest request, CancellationToken cancellation)
    {
        var call = streams[client];
        await call.RequestStream.WriteAsync(request, cancellation).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            throw new IOException("SubmitStream ended before answering");
        }

        var response = call.ResponseStream.Current;
        if (response.ErrorCode != 0 && response.CorrelationId == request.CorrelationId)
        {
            throw new RpcException(new Status((StatusCode)response.ErrorCode, response.ErrorMessage));
        }

        return response.Receipt is not null && response.CorrelationId == request.CorrelationId;
    }

    public async Task CloseStreamsAsync()
    {
        foreach (var call in streams)
        {
            try
            {
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
                {
                }
            }
            catch (RpcException)
            {
                // A stream that already failed has nothing left to drain.
            }
            finally
            {
                call.Dispose();
            }
        }

        streams = [];
    }

    public void Dispose()
    {
        foreach (var call in streams)
        {
            call.Dispose();
        }

        channel.Dispose();
    }
}
