using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// Closed-loop load: each client sends one operation, waits for its answer, sends the next. Stops at
/// the time limit or when the pre-built operations run out, whichever comes first.
/// </summary>
public static class ClosedLoop
{
    /// <summary>One operation: client index and operation index; true when committed.</summary>
    public delegate Task<bool> Operation(int client, int index, CancellationToken cancellation);

    public static async Task<PhaseSummary> RunAsync(string label, int clients, int operationsMax, TimeSpan duration, Operation operation)
    {
        var latencies = new long[operationsMax];
        var next = -1;
        var recorded = 0;
        long failed = 0;
        var firstErrorShown = 0;
        using var stop = new CancellationTokenSource(duration + TimeSpan.FromSeconds(15));
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[clients];
        for (var c = 0; c < clients; c++)
        {
            var client = c;
            workers[c] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var index = Interlocked.Increment(ref next);
                    if (index >= operationsMax)
                    {
                        return;
                    }

                    var sent = Stopwatch.GetTimestamp();
                    bool committed;
                    try
                    {
                        committed = await operation(client, index, stop.Token).ConfigureAwait(false);
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
                        latencies[Interlocked.Increment(ref recorded) - 1] = Stopwatch.GetTimestamp() - sent;
                    }
                    else if (Interlocked.Increment(ref failed) == 1)
                    {
                        Console.Error.WriteLine($"{label}: first failure at operation {index}");
                    }
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return PhaseSummary.From(label, latencies, recorded, 0, failed, elapsed);
    }
}
