using System.Net;
using Grpc.Core;
using Ledger.Core.Protocol;
using Microsoft.AspNetCore.Builder;
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

    public override Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context) =>
        Task.FromResult(new SubmitResponse { Receipt = SubmitReceipt ?? throw new RpcException(new Status(StatusCode.Unavailable, "no receipt")) });

    public override Task<GetTransactionResponse> GetTransaction(GetTransactionRequest request, ServerCallContext context) =>
        Task.FromResult(Transaction ?? throw new RpcException(new Status(StatusCode.NotFound, "no such transaction")));

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        Task.FromResult(new StatusResponse { NodeId = "node-1", ChainId = ChainId });

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
        foreach (var block in Blocks.Where(b => b.Header.Height >= request.FromHeight && b.Header.Height <= request.ToHeight))
        {
            await responseStream.WriteAsync(block).ConfigureAwait(false);
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
