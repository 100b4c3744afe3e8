using System.Globalization;

namespace Ledger.Node.Tracing;

/// <summary>
/// <c>Node:Tracing:*</c>: where the node's spans (<see cref="NodeTracing"/>) go. Off unless
/// <see cref="OtlpEndpoint"/> is set: then an OpenTelemetry pipeline exports the sampled spans to that
/// OTLP collector. Checked once at start-up (<see cref="Validate"/>).
/// </summary>
public sealed class TracingOptions
{
    public const string SectionName = "Node:Tracing";

    public const string ProtocolGrpc = "grpc";
    public const string ProtocolHttpProtobuf = "http/protobuf";

    public const int ExportTimeoutMillisecondsMax = 60_000;

    /// <summary>Characters of a configured value a refusal quotes at most.</summary>
    private const int QuotedCharsMax = 128;

    /// <summary>
    /// The OTLP collector, <c>http://host:port</c> or <c>https://host:port</c> (gRPC: usually port 4317;
    /// http/protobuf: usually 4318, the <c>/v1/traces</c> path is added when none is given). Empty: no export,
    /// and no listener on the node's spans, so tracing costs nothing.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><see cref="ProtocolGrpc"/> (default) or <see cref="ProtocolHttpProtobuf"/>.</summary>
    public string OtlpProtocol { get; set; } = ProtocolGrpc;

    /// <summary>
    /// Fraction of traces recorded, 0..1, for spans that start a trace (a submission whose caller sent no
    /// trace context, a batch); a span whose parent was sampled is sampled too. 1 records every submission:
    /// lower it at production rates (thousands of submissions a second).
    /// </summary>
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>Longest one export to the collector may take, 1..60000 ms.</summary>
    public int ExportTimeoutMilliseconds { get; set; } = 10_000;

    public bool Enabled => OtlpEndpoint.Length > 0;

    /// <summary>The collector's URL, with the signal path added for http/protobuf when none was given.</summary>
    public Uri ExportUri()
    {
        var uri = new Uri(OtlpEndpoint, UriKind.Absolute);
        return OtlpProtocol == ProtocolHttpProtobuf && uri.AbsolutePath == "/" ? new Uri(uri, "v1/traces") : uri;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first setting out of bounds.</summary>
    public void Validate()
    {
        if (OtlpProtocol is not (ProtocolGrpc or ProtocolHttpProtobuf))
        {
            throw new InvalidOperationException($"{SectionName}:OtlpProtocol must be '{ProtocolGrpc}' or '{ProtocolHttpProtobuf}', was '{Quote(OtlpProtocol)}'");
        }

        if (double.IsNaN(SampleRatio) || SampleRatio is < 0 or > 1)
        {
            throw new InvalidOperationException($"{SectionName}:SampleRatio must be within 0..1, was {SampleRatio.ToString(CultureInfo.InvariantCulture)}");
        }

        if (ExportTimeoutMilliseconds is < 1 or > ExportTimeoutMillisecondsMax)
        {
            throw new InvalidOperationException($"{SectionName}:ExportTimeoutMilliseconds must be within 1..{ExportTimeoutMillisecondsMax}, was {ExportTimeoutMilliseconds}");
        }

        if (!Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || endpoint.Host.Length == 0
            || endpoint.UserInfo.Length > 0
            || endpoint.Query.Length > 0
            || endpoint.Fragment.Length > 0)
        {
            throw new InvalidOperationException($"{SectionName}:OtlpEndpoint must be an http:// or https:// URL of an OTLP collector (host and port, no credentials, query or fragment), was '{Quote(OtlpEndpoint)}'");
        }

        if (OtlpProtocol == ProtocolGrpc && endpoint.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"{SectionName}:OtlpEndpoint for OTLP over gRPC takes no path (http://host:4317), was '{Quote(OtlpEndpoint)}'");
        }
    }

    private static string Quote(string value) => value.Length <= QuotedCharsMax ? value : string.Concat(value.AsSpan(0, QuotedCharsMax), "...");
}
