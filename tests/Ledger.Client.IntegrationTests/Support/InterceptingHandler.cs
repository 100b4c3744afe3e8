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

    // HttpClientHandler rather than SocketsHttpHandler: Grpc.Net.Client resolves and connects
    // addresses itself when it finds a SocketsHttpHandler, before this handler could fake a host.
    public InterceptingHandler()
        : base(new HttpClientHandler())
    {
    }

    /// <summary>Returns a response to fake the call, or null to let it through to the real node.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?> Intercept { get; set; } = _ => null;

    /// <summary>
    /// Answers a call that <see cref="Intercept"/> let through, given a way to forward it to the real
    /// node: a test can forward a call and then answer something else (a lost acknowledgement).
    /// </summary>
    public Func<HttpRequestMessage, Func<HttpRequestMessage, Task<HttpResponseMessage>>, Task<HttpResponseMessage>>? Respond { get; set; }

    /// <summary>Hosts that accept calls and never answer (until the call's deadline cancels them).</summary>
    public HashSet<string> HungHosts { get; } = new(StringComparer.OrdinalIgnoreCase);

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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri!.AbsolutePath;
        lock (calls)
        {
            calls[method] = calls.GetValueOrDefault(method) + 1;
        }

        if (HungHosts.Contains(request.RequestUri.Host))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        if (Intercept(request) is { } intercepted)
        {
            return intercepted;
        }

        return Respond is { } respond
            ? await respond(request, forwarded => base.SendAsync(forwarded, cancellationToken)).ConfigureAwait(false)
            : await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
