using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ledger.Node.Tracing;

/// <summary>
/// The OpenTelemetry pipeline for the node's spans, registered only when <c>Node:Tracing:OtlpEndpoint</c>
/// is set: then the <see cref="NodeTracing.SourceName"/> source has a listener, spans are sampled
/// (parent-based, <see cref="TracingOptions.SampleRatio"/> for new traces) and exported in batches to the
/// collector. The SDK's batch processor bounds what waits for export (2,048 spans; beyond it spans are
/// dropped, never queued without limit). Without an endpoint nothing is registered and tracing costs nothing.
/// </summary>
public static class TracingRegistration
{
    public const string ServiceName = "ledger-node";

    /// <summary>
    /// Reads and validates <see cref="TracingOptions"/> from <paramref name="configuration"/> (throws
    /// <see cref="InvalidOperationException"/> naming a bad setting), and registers the pipeline when enabled.
    /// </summary>
    /// <param name="addExporters">Tests: further exporters (an in-memory one); the pipeline is registered with them even without an endpoint.</param>
    public static IServiceCollection AddLedgerTracing(this IServiceCollection services, IConfiguration configuration, string nodeId, Action<TracerProviderBuilder>? addExporters = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new TracingOptions();
        configuration.GetSection(TracingOptions.SectionName).Bind(options);
        options.Validate();
        if (!options.Enabled && addExporters is null)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: nodeId))
            .WithTracing(tracing =>
            {
                tracing.AddSource(NodeTracing.SourceName)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)));
                if (options.Enabled)
                {
                    tracing.AddOtlpExporter(otlp =>
                    {
                        otlp.Endpoint = options.ExportUri();
                        otlp.Protocol = options.OtlpProtocol == TracingOptions.ProtocolHttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                        otlp.TimeoutMilliseconds = options.ExportTimeoutMilliseconds;
                    });
                }

                addExporters?.Invoke(tracing);
            });
        return services;
    }
}
