using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Ledger.Bench.Etcd;

namespace Ledger.Bench;

/// <summary>The etcd side: pre-built Put requests of a fixed value size, sent to the etcd leader.</summary>
public sealed class EtcdTarget : IDisposable
{
    private readonly GrpcChannel channel;
    private readonly KV.KVClient kv;
    private readonly PutRequest[] requests;

    private EtcdTarget(string url, GrpcChannel channel, PutRequest[] requests)
    {
        Url = url;
        this.channel = channel;
        kv = new KV.KVClient(channel);
        this.requests = requests;
    }

    public string Url { get; }

    /// <summary>Connects to whichever of <paramref name="urls"/> reports itself as the leader, and builds the requests.</summary>
    public static async Task<EtcdTarget> ConnectAsync(IReadOnlyList<string> urls, int requestCount, int valueBytes, TimeSpan waitMax)
    {
        var leaderUrl = await FindLeaderAsync(urls, waitMax).ConfigureAwait(false);
        var value = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(valueBytes));
        var requests = new PutRequest[requestCount];
        for (var i = 0; i < requestCount; i++)
        {
            requests[i] = new PutRequest { Key = ByteString.CopyFrom(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"bench/{i:D9}"))), Value = value };
        }

        return new EtcdTarget(leaderUrl, GrpcChannels.Create(leaderUrl), requests);
    }

    public int Count => requests.Length;

    public async Task<bool> PutAsync(int index, CancellationToken cancellation)
    {
        var response = await kv.PutAsync(requests[index], cancellationToken: cancellation).ConfigureAwait(false);
        return response.Header is not null;
    }

    public void Dispose() => channel.Dispose();

    private static async Task<string> FindLeaderAsync(IReadOnlyList<string> urls, TimeSpan waitMax)
    {
        using var give = new CancellationTokenSource(waitMax);
        while (true)
        {
            foreach (var url in urls)
            {
                try
                {
                    using var probe = GrpcChannels.Create(url);
                    var status = await new Maintenance.MaintenanceClient(probe).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: give.Token).ConfigureAwait(false);
                    if (status.Leader != 0 && status.Leader == status.Header.MemberId)
                    {
                        Console.Error.WriteLine($"etcd leader: {url}");
                        return url;
                    }
                }
                catch (Grpc.Core.RpcException)
                {
                    // Not up yet or mid-election: keep polling until the deadline.
                }
            }

            await Task.Delay(200, give.Token).ConfigureAwait(false);
        }
    }
}
