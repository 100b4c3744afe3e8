using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Ledger.Node.Web;

/// <summary>
/// Applies <see cref="HexRequestFields"/> to every request that arrives as one message (unary and
/// server-streaming calls, over gRPC or HTTP/JSON). Streams of requests (SubmitStream) carry no hex fields.
/// </summary>
public sealed class HexRequestFieldsInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is IMessage message)
        {
            HexRequestFields.Apply(message);
        }

        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (request is IMessage message)
        {
            HexRequestFields.Apply(message);
        }

        return continuation(request, responseStream, context);
    }
}
