using Microsoft.AspNetCore.Builder;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;

namespace Ledger.Node.Tests.Support;

/// <summary>A real node (Kestrel, gRPC over loopback, RocksDB) hosted inside the test process.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly string[] arguments;
    private WebApplication? app;
    private GrpcChannel? channel;

    public InProcessNode(string[] arguments, string publicUrl)
    {
        this.arguments = arguments;
        PublicUrl = publicUrl;
    }

    public string PublicUrl { get; }

    /// <summary>This node's wall clock: the system's unless a test moves it (see <see cref="OffsetClock"/>).</summary>
    public OffsetClock Clock { get; } = new();

    public LedgerNode Node { get; private set; } = null!;

    public bool IsRunning => app is not null;

    /// <summary>The running host's services (the node's singletons, such as its SubmitStream budget).</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("the node is not running");

    public LedgerApi.LedgerApiClient Client
    {
        get
        {
            channel ??= GrpcChannel.ForAddress(PublicUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
            return new LedgerApi.LedgerApiClient(channel);
        }
    }

    /// <param name="beforeStart">Runs on the built node before its Raft loop starts (a test hooks the apply stage here).</param>
    public async Task StartAsync(Action<LedgerNode>? beforeStart = null)
    {
        var (built, node) = NodeProgram.Build(arguments, Clock);
        await built.StartAsync().ConfigureAwait(false);
        beforeStart?.Invoke(node);
        node.Start();
        app = built;
        Node = node;
    }

    /// <summary>Waits (up to a generous bound: the machine may be loaded) until this node leads; a single-node consortium elects itself shortly after start, and a submission before that is refused with Unavailable.</summary>
    public async Task WaitUntilLeaderAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Node.IsLeader && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        if (!Node.IsLeader)
        {
            throw new TimeoutException("the node did not become leader within 60 s");
        }
    }

    public async Task StopAsync()
    {
        if (app is null)
        {
            return;
        }

        channel?.Dispose();
        channel = null;
        await app.StopAsync().ConfigureAwait(false);
        await Node.DisposeAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        app = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
