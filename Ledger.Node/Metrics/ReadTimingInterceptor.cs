using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Prometheus;

namespace Ledger.Node.Metrics;

/// <summary>
/// Times the public read calls (unary calls of the ledger, registry query and evidence services, other than
/// submissions and cosignatures, which have their own figures) into <see cref="NodeMetrics.ReadSeconds"/> and
/// <see cref="NodeMetrics.ReadCpuSeconds"/>: the handler's own time, so that a client's latency can be split
/// into what the node spent on the answer and what was queueing, transport and encoding around it. Innermost
/// interceptor: nothing else is inside the measurement. Label values are method names of the node's own
/// services (routing admits no others), so the label set is bounded.
/// </summary>
public sealed class ReadTimingInterceptor(LedgerNode node) : Interceptor
{
    private static readonly string[] TimedServices = ["/ledger.v1.LedgerApi/", "/ledger.v1.RegistryQuery/", "/ledger.v1.EvidenceApi/"];
    private static readonly string[] UntimedMethods = ["/ledger.v1.LedgerApi/Submit", "/ledger.v1.LedgerApi/AddCosignature"];

    private static readonly ConcurrentDictionary<string, string?> Labels = new(StringComparer.Ordinal);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var label = Label(context.Method);
        if (label is null)
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        var cpuStarted = ThreadCpuTime.NowSeconds();
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        finally
        {
            // The synchronous part: all of a local read (the handlers answer without waiting), up to the first wait otherwise.
            var cpu = ThreadCpuTime.NowSeconds() - cpuStarted;
            if (cpu >= 0)
            {
                node.Metrics.ReadCpuSeconds.WithLabels(label).Inc(cpu);
            }
        }

        try
        {
            return await call.ConfigureAwait(false);
        }
        finally
        {
            node.Metrics.ReadSeconds.WithLabels(label).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The method's name when its calls are timed, else null.</summary>
    public static string? Label(string method) => Labels.GetOrAdd(method, static m =>
        TimedServices.Any(service => m.StartsWith(service, StringComparison.Ordinal)) && !UntimedMethods.Contains(m, StringComparer.Ordinal)
            ? m[(m.LastIndexOf('/') + 1)..]
            : null);
}
