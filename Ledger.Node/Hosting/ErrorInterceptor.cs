using Grpc.Core;
using Grpc.Core.Interceptors;
using Ledger.Storage.Errors;

namespace Ledger.Node.Hosting;

/// <summary>
/// Last line of defence for the gRPC services: known failures become precise statuses and anything
/// unexpected becomes Internal with a short message — a client never sees a stack trace. The
/// exception is logged here with its details.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger, LedgerNode node) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var generation = node.Damage.ReadBegins();
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context.Method, generation);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var generation = node.Damage.ReadBegins();
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw Translate(e, context.Method, generation);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var generation = node.Damage.ReadBegins();
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw Translate(e, context.Method, generation);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var generation = node.Damage.ReadBegins();
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException and not IOException)
        {
            throw Translate(e, context.Method, generation);
        }
    }

    private RpcException Translate(Exception e, string method, long generationAtStart)
    {
        if (e is StorageCorruptionException && !node.Damage.ReportRead(e, generationAtStart))
        {
            // A snapshot install replaced the state under this read: it saw half-cleared tables, not damage.
            LogReadRacedSnapshotInstall(logger, method, e.Message);
            return new RpcException(new Status(StatusCode.Unavailable, "the node was installing a snapshot while answering; retry"));
        }

        // Damage was reported above (never served: the node records it, stops voting and serving, and exits to repair itself).
        LogFailure(logger, method, e);

        return e switch
        {
            StorageCorruptionException => new RpcException(new Status(StatusCode.DataLoss, $"stored data failed verification: {e.Message}")),
            Google.Protobuf.InvalidProtocolBufferException => new RpcException(new Status(StatusCode.InvalidArgument, $"malformed message: {e.Message}")),
            ArgumentException => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
            _ => new RpcException(new Status(StatusCode.Internal, "internal error; see the node's log")),
        };
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "gRPC call {Method} raced a snapshot install and is answered Unavailable: {Detail}")]
    private static partial void LogReadRacedSnapshotInstall(ILogger logger, string method, string detail);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "gRPC call {Method} failed")]
    private static partial void LogFailure(ILogger logger, string method, Exception exception);
}
