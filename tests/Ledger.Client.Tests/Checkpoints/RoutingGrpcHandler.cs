using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>
/// An in-process gRPC server at the HTTP/2 message level: each method path ("/ledger.v1.LedgerApi/GetCheckpoint")
/// maps to a function from the request payload to a response message, so a real
/// <see cref="LedgerClient"/> talks to it unchanged.
/// </summary>
public sealed class RoutingGrpcHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Func<byte[], IMessage>> routes = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public RoutingGrpcHandler Route(string method, Func<byte[], IMessage> respond)
    {
        routes["/ledger.v1.LedgerApi/" + method] = respond;
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        lock (Calls)
        {
            Calls.Add(path);
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var payload = body.Length >= 5 ? body[5..] : [];
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request };
        if (!routes.TryGetValue(path, out var respond))
        {
            response.Content = new ByteArrayContent([]);
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            response.Headers.Add("grpc-status", "12"); // Unimplemented
            return response;
        }

        var message = respond(payload).ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        response.Content = new ByteArrayContent(frame);
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", "0");
        return response;
    }
}
