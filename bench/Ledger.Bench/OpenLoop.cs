using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// Open-loop load: operation i is sent at start + i/rate whether or not earlier ones were answered,
/// and its latency runs from that scheduled time, so a server that falls behind shows it in the tail
/// (no coordinated omission). Operations unanswered after the drain limit count as slower than all.
/// </summary>
public static class OpenLoop
{
    /// <summary>How long answers are awaited after the last scheduled send.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(15);

    /// <summary>A send this far behind its slot is reported: the load generator, not the server, was slow.</summary>
    public const long LateSendMilliseconds = 5;

    public static async Task<PhaseSummary> RunAsync(string label, double ratePerSecond, int operations, ClosedLoop.Operation operation)
    {
        var latencies = new long[operations];
        var recorded = 0;
        long failed = 0;
        var firstErrorShown = 0;
        var duration = TimeSpan.FromSeconds(operations / ratePerSecond);
        using var stop = new CancellationTokenSource(duration + DrainLimit);
        var sends = new Task[operations];
        var started = Stopwatch.GetTimestamp();
        var ticksPerOperation = Stopwatch.Frequency / ratePerSecond;
        var scheduled = 0;
        var lateSends = 0L;
        var lateTicks = Stopwatch.Frequency * LateSendMilliseconds / 1000;
        while (scheduled < operations)
        {
            var now = Stopwatch.GetTimestamp();
            var due = (int)Math.Min(operations, (now - started) / ticksPerOperation + 1);
            for (; scheduled < due; scheduled++)
            {
                var index = scheduled;
                var scheduledAt = started + (long)(index * ticksPerOperation);
                if (now - scheduledAt > lateTicks)
                {
                    lateSends++;
                }

                sends[index] = SendAsync(index, scheduledAt);
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(sends).WaitAsync(DrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"{label}: some operations still unanswered {DrainLimit.TotalSeconds} s after the last send; cancelling them");
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sends).ConfigureAwait(false);
        }

        // Throughput of an open loop is the offered schedule's length, not the drain's.
        var elapsed = duration.TotalSeconds;
        var answered = recorded;
        Console.Error.WriteLine($"{label}: {operations} scheduled over {duration.TotalSeconds:F0} s, {lateSends} sent over {LateSendMilliseconds} ms after their slot (load generator starved; their wait still counts), {failed} failed or unanswered");
        return PhaseSummary.From(label, latencies, answered, operations - answered, failed, elapsed);

        async Task SendAsync(int index, long scheduledAt)
        {
            bool committed;
            try
            {
                committed = await operation(index % 64, index, stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException or IOException)
            {
                committed = false;
                if (Interlocked.Exchange(ref firstErrorShown, 1) == 0)
                {
                    Console.Error.WriteLine($"{label}: {e.GetType().Name}: {e.Message}");
                }
            }

            if (committed)
            {
                latencies[Interlocked.Increment(ref recorded) - 1] = Stopwatch.GetTimestamp() - scheduledAt;
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    }
}
