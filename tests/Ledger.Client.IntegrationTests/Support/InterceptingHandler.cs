using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Ledger.Client.IntegrationTests.Support;

/// <summary>
/// Sits between a <see cref="LedgerClient"/> and the real nodes: every call goes through to the
/// cluster unless <see cref="Intercept"/> answers it (a fake node, a forging node). Counts the
/// gRPC methods called.
/// </summary>
public sealed class InterceptingHandler : DelegatingHandler
{
    private readonly Dictionary<string, int> calls = new(StringComparer.Ordinal);

    public InterceptingHandler()
        : base(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
    }

    /// <summary>Returns a response to fake the call, or null to let it through to the real node.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?> Intercept { get; set; } = _ => null;

    public int Calls(string method)
    {
        lock (calls)
        {
            return calls.GetValueOrDefault(method);
        }
    }

    /// <summary>A trailers-only gRPC answer: a status and metadata, no message.</summary>
    public static HttpResponseMessage Status(HttpRequestMessage request, int status, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.Headers.Add("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add("grpc-message", "intercepted");
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            response.Headers.Add(key, value);
        }

        return response;
    }

    /// <summary>A unary gRPC answer carrying <paramref name="message"/>.</summary>
    public static HttpResponseMessage Message(HttpRequestMessage request, IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request, Content = new ByteArrayContent(frame) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", "0");
        return response;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri!.AbsolutePath;
        lock (calls)
        {
            calls[method] = calls.GetValueOrDefault(method) + 1;
        }

        var faked = Intercept(request);
        return faked is not null ? Task.FromResult(faked) : base.SendAsync(request, cancellationToken);
    }
}
