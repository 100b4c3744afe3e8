using System.Diagnostics;
using Grpc.Core;

namespace Ledger.Bench.Scale;

/// <summary>
/// Latency percentiles of one query kind over one sample run, in microseconds, as the client saw them; and what
/// the node says it spent (<see cref="ServerSide"/>), so the latency can be split into the node's work and the
/// rest (queueing for a thread, transport, encoding, the client).
/// </summary>
internal sealed record LatencySummary(int Samples, int Misses, int Errors, double P50Microseconds, double P99Microseconds)
{
    public ServerSideFigures ServerSide { get; init; } = ServerSideFigures.None;

    public static LatencySummary None { get; } = new(0, 0, 0, double.NaN, double.NaN);

    public static LatencySummary Of(List<double> microseconds, int misses, int errors)
    {
        if (microseconds.Count == 0)
        {
            return new LatencySummary(0, misses, errors, double.NaN, double.NaN);
        }

        microseconds.Sort();
        return new LatencySummary(microseconds.Count, misses, errors, Percentile(microseconds, 0.50), Percentile(microseconds, 0.99));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// Runs one query <paramref name="samples"/> times with at most <paramref name="concurrency"/> in
/// flight and times each call. A query returns false when it answered but did not find what it was
/// asked for (a miss: counted, not timed as a success); an RPC error is counted apart.
/// </summary>
internal static class LatencySampler
{
    /// <summary>
    /// Untimed calls before the timed ones: the first calls of a kind after a start run unoptimised code
    /// and JIT-compile it (milliseconds each), which would otherwise land in the p99 of every step after a restart.
    /// </summary>
    public const int WarmupCalls = 20;

    // The first few failures are printed (what broke); the rest only counted.
    private const int ErrorsPrintedMax = 3;

    /// <param name="server">When given, brackets the timed calls (after the warm-up) to read the node's own figures for them.</param>
    public static async Task<LatencySummary> RunAsync(int samples, int concurrency, Func<int, Task<bool>> query, IServerSideProbe? server = null)
    {
        for (var warmup = 0; warmup < WarmupCalls; warmup++)
        {
            try
            {
                await query(-1 - warmup).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // Counted when it happens in the timed run.
            }
        }

        if (server is not null)
        {
            await server.BeginAsync().ConfigureAwait(false);
        }

        var timings = new List<double>(samples);
        var misses = 0;
        var errors = 0;
        var next = -1;
        var gate = new object();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int sample;
            while ((sample = Interlocked.Increment(ref next)) < samples)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var found = await query(sample).ConfigureAwait(false);
                    var microseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    lock (gate)
                    {
                        if (found)
                        {
                            timings.Add(microseconds);
                        }
                        else
                        {
                            misses++;
                        }
                    }
                }
                catch (RpcException e)
                {
                    if (Interlocked.Increment(ref errors) <= ErrorsPrintedMax)
                    {
                        Console.Error.WriteLine($"  query sample {sample} failed: {e.StatusCode} {e.Status.Detail}");
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var summary = LatencySummary.Of(timings, misses, errors);
        return server is null ? summary : summary with { ServerSide = await server.EndAsync(samples).ConfigureAwait(false) };
    }
}

/// <summary>
/// The node's own account of one sample run, from its metrics: handler time and handler thread CPU per call
/// (<c>ledger_read_seconds</c>, <c>ledger_read_cpu_seconds_total</c>), and the node process's CPU per call over
/// the run, which also holds what ran beside the calls (compactions, flushes, garbage collection). NaN when the
/// node does not expose them.
/// </summary>
internal sealed record ServerSideFigures(double HandlerMeanMicroseconds, double HandlerCpuMicroseconds, double NodeCpuMicroseconds)
{
    public static ServerSideFigures None { get; } = new(double.NaN, double.NaN, double.NaN);

    public static ServerSideFigures Between(PrometheusText before, PrometheusText after, string method, double nodeCpuSeconds, int calls)
    {
        double? Delta(string series) => after.Value(series) is { } a && before.Value(series) is { } b ? a - b : null;
        var labels = "{method=\"" + method + "\"}";
        var count = Delta("ledger_read_seconds_count" + labels);
        var seconds = Delta("ledger_read_seconds_sum" + labels);
        var cpu = Delta("ledger_read_cpu_seconds_total" + labels);
        return new ServerSideFigures(
            count is > 0 && seconds is { } s ? s / count.Value * 1e6 : double.NaN,
            count is > 0 && cpu is { } c ? c / count.Value * 1e6 : double.NaN,
            calls > 0 ? nodeCpuSeconds / calls * 1e6 : double.NaN);
    }
}

/// <summary>Reads the node's own figures around a sample run (<see cref="LatencySampler.RunAsync"/>).</summary>
internal interface IServerSideProbe
{
    Task BeginAsync();

    Task<ServerSideFigures> EndAsync(int calls);
}

/// <summary>The node's read metrics for one gRPC method, scraped before and after, and its process CPU between.</summary>
internal sealed class NodeReadProbe(string metricsUrl, Func<double> nodeCpuSeconds, string method) : IServerSideProbe
{
    private PrometheusText before = PrometheusText.Empty;
    private double cpuBefore;

    public async Task BeginAsync()
    {
        before = await StoreFigures.ScrapeAsync(metricsUrl).ConfigureAwait(false);
        cpuBefore = nodeCpuSeconds();
    }

    public async Task<ServerSideFigures> EndAsync(int calls)
    {
        var cpu = nodeCpuSeconds() - cpuBefore;
        var after = await StoreFigures.ScrapeAsync(metricsUrl).ConfigureAwait(false);
        return ServerSideFigures.Between(before, after, method, cpu, calls);
    }
}
