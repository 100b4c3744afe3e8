using System.Diagnostics;
using Grpc.Core;

namespace Ledger.Bench.Scale;

/// <summary>Latency percentiles of one query kind over one sample run, in microseconds.</summary>
internal sealed record LatencySummary(int Samples, int Misses, int Errors, double P50Microseconds, double P99Microseconds)
{
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
    // The first few failures are printed (what broke); the rest only counted.
    private const int ErrorsPrintedMax = 3;

    public static async Task<LatencySummary> RunAsync(int samples, int concurrency, Func<int, Task<bool>> query)
    {
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
        return LatencySummary.Of(timings, misses, errors);
    }
}
