using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Ledger.Client.Tests.Support;

/// <summary>
/// Answers gRPC calls in-process at the HTTP level, per host: either a status with metadata
/// (trailers-only response) or one unary message. Records which hosts were called, in order.
/// </summary>
public sealed class FakeGrpcHandler : HttpMessageHandler
{
    private readonly Func<Uri, (int Status, IMessage? Message, IReadOnlyDictionary<string, string>? Metadata)> respond;

    public FakeGrpcHandler(Func<Uri, (int Status, IMessage? Message, IReadOnlyDictionary<string, string>? Metadata)> respond)
    {
        this.respond = respond;
    }

    public List<string> Calls { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add(request.RequestUri!.GetLeftPart(UriPartial.Authority));
        }

        var (status, message, metadata) = respond(request.RequestUri!);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request };
        if (message is null)
        {
            response.Content = new ByteArrayContent([]);
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            response.Headers.Add("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("grpc-message", "fake");
            foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            {
                response.Headers.Add(key, value);
            }

            return Task.FromResult(response);
        }

        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        response.Content = new ByteArrayContent(frame);
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", "0");
        return Task.FromResult(response);
    }
}
