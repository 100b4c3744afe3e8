using System.Net;
using Grpc.Core;
using Ledger.Core.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Client.Tests.Support;

/// <summary>
/// A fake node: the public LedgerApi served by a real gRPC server (Kestrel, HTTP/2, in-process on
/// loopback), answering from whatever the test put in <see cref="FakeLedgerApi"/>. It can serve
/// anything a hostile node could: receipts, headers and certificates it made up.
/// </summary>
public sealed class FakeLedgerServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeLedgerServer(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<FakeLedgerServer> StartAsync(FakeLedgerApi api)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(api);
        var app = builder.Build();
        app.MapGrpcService<FakeLedgerApi>();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeLedgerServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>What the fake node answers. Unset answers are NotFound; a block not certified (yet) is the node's NotCertifiedAnswer.</summary>
public sealed class FakeLedgerApi : LedgerApi.LedgerApiBase
{
    public Receipt? SubmitReceipt { get; set; }

    /// <summary>The answer to every GetTransaction.</summary>
    public GetTransactionResponse? Transaction { get; set; }

    public string ChainId { get; set; } = TestChain.ChainId;

    /// <summary>Certified headers by height; a height without one answers as a node does (NotCertifiedAnswer).</summary>
    public Dictionary<ulong, CertifiedHeader> Certified { get; } = [];

    /// <summary>GetCertifiedHeader answers "not certified (yet)" this many times before serving what it has.</summary>
    public int CertificateMisses { get; set; }

    public List<Block> Blocks { get; } = [];

    public Func<ulong, ulong, ConsistencyProof>? ConsistencyProofs { get; set; }

    public int CertificateCalls { get; private set; }

    /// <summary>Awaited before every Submit is answered (a node that holds a submission).</summary>
    public Func<SubmitRequest, ServerCallContext, Task>? BeforeSubmit { get; set; }

    public override async Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context)
    {
        if (BeforeSubmit is { } before)
        {
            await before(request, context).ConfigureAwait(false);
        }

        return new SubmitResponse { Receipt = SubmitReceipt ?? throw new RpcException(new Status(StatusCode.Unavailable, "no receipt")) };
    }

    public override Task<GetTransactionResponse> GetTransaction(GetTransactionRequest request, ServerCallContext context) =>
        Task.FromResult(Transaction ?? throw new RpcException(new Status(StatusCode.NotFound, "no such transaction")));

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        Task.FromResult(new StatusResponse { NodeId = "node-1", ChainId = ChainId, Height = Blocks.Count == 0 ? 0 : Blocks[^1].Header.Height, BlocksPerCallMax = (uint)BlocksPerCallMax });

    /// <summary>Blocks one GetBlocks call may ask for, as a node's Node:BlocksPerRangeMax (0: any number); a longer range is refused the node's way.</summary>
    public int BlocksPerCallMax { get; set; }

    /// <summary>Every GetBlocks request, in arrival order.</summary>
    public List<(ulong From, ulong To)> BlockRequests { get; } = [];

    /// <summary>Called with each GetBlocks request before it is answered (a test looks at the client's side at that moment).</summary>
    public Action<GetBlocksRequest>? OnGetBlocks { get; set; }

    /// <summary>
    /// After this many blocks served (GetBlocks and Watch together), the stream serving the next one is
    /// cut, once: with Unavailable, or with the HTTP/2 connection aborted under it (<see cref="DropByAbortingConnection"/>).
    /// </summary>
    public int? DropStreamAfterBlocks { get; set; }

    public bool DropByAbortingConnection { get; set; }

    /// <summary>Every GetBlocks and Watch answers Unavailable (the node is down).</summary>
    public bool Down { get; set; }

    public int BlocksServed { get; private set; }

    public override Task<Block> GetBlock(GetBlockRequest request, ServerCallContext context) =>
        Task.FromResult(Blocks.FirstOrDefault(b => b.Header.Height == request.Height) ?? throw new RpcException(new Status(StatusCode.NotFound, $"no block {request.Height}")));

    public override async Task Watch(WatchRequest request, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        ThrowIfDown();
        foreach (var block in Blocks.Where(b => b.Header.Height >= request.FromHeight))
        {
            await ServeAsync(block, responseStream, context).ConfigureAwait(false);
        }

        // At the tip: a node keeps the stream open until the next block.
        await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "node down"));
        }
    }

    private async Task ServeAsync(Block block, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        if (DropStreamAfterBlocks == BlocksServed)
        {
            DropStreamAfterBlocks = null;
            if (DropByAbortingConnection)
            {
                context.GetHttpContext().Abort();
                await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
            }

            throw new RpcException(new Status(StatusCode.Unavailable, "connection dropped"));
        }

        await responseStream.WriteAsync(block).ConfigureAwait(false);
        BlocksServed++;
    }

    public override Task<CertifiedHeader> GetCertifiedHeader(GetCertifiedHeaderRequest request, ServerCallContext context)
    {
        CertificateCalls++;
        if (CertificateCalls <= CertificateMisses || !Certified.TryGetValue(request.Height, out var certified))
        {
            throw NotCertifiedAnswer.Create($"block {request.Height} is not certified (yet)", 0);
        }

        return Task.FromResult(certified);
    }

    public override async Task GetBlocks(GetBlocksRequest request, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        lock (BlockRequests)
        {
            BlockRequests.Add((request.FromHeight, request.ToHeight));
        }

        OnGetBlocks?.Invoke(request);
        ThrowIfDown();
        if (BlocksPerCallMax > 0 && request.ToHeight - request.FromHeight + 1 > (ulong)BlocksPerCallMax)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"at most {BlocksPerCallMax} blocks per call"));
        }

        foreach (var block in Blocks.Where(b => b.Header.Height >= request.FromHeight && b.Header.Height <= request.ToHeight))
        {
            await ServeAsync(block, responseStream, context).ConfigureAwait(false);
        }
    }

    /// <summary>Inclusion proof of a transaction hash in the log of a size; null (or unset) answers NotFound.</summary>
    public Func<byte[], ulong, InclusionProof?>? InclusionProofs { get; set; }

    public override Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context) =>
        Task.FromResult(InclusionProofs?.Invoke(request.TxHash.ToByteArray(), request.TreeSize) is { } proof
            ? new GetInclusionProofResponse { Proof = proof }
            : throw new RpcException(new Status(StatusCode.NotFound, "no proof")));

    public override Task<ConsistencyProof> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context) =>
        Task.FromResult(ConsistencyProofs?.Invoke(request.FirstSize, request.SecondSize) ?? throw new RpcException(new Status(StatusCode.NotFound, "no proof")));
}
