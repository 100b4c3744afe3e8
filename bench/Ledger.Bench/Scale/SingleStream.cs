using System.Diagnostics;
using Grpc.Core;
using Ledger.Client.Signing;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>What the single-registration stream did during one phase.</summary>
internal sealed record SingleResult(long Sent, long Committed, long Failed, long Skipped, double Seconds, double P50Milliseconds, double P99Milliseconds)
{
    public double CommittedPerSecond => Seconds > 0 ? Committed / Seconds : 0;
}

/// <summary>
/// The steady trickle of single RegisterWork transactions beside the bulk load, open loop: each is
/// due at a fixed rate whether or not earlier ones have answered (a slow ledger does not slow the
/// offered load), with at most <see cref="OutstandingMax"/> unanswered; one due beyond that is skipped
/// and counted. Latency is from send to receipt.
/// </summary>
internal sealed class SingleStream(LedgerApi.LedgerApiClient ledger, TransactionBuilder builder, RightsHolder holder, ScaleItems items, int ratePerSecond)
{
    public const int OutstandingMax = 2_000;

    private static readonly TimeSpan SubmitDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private long nextIndex;

    /// <summary>Runs until <paramref name="stop"/> is cancelled, then waits for the outstanding ones.</summary>
    public async Task<SingleResult> RunAsync(CancellationToken stop)
    {
        if (ratePerSecond == 0)
        {
            return new SingleResult(0, 0, 0, 0, 0, double.NaN, double.NaN);
        }

        var started = Stopwatch.GetTimestamp();
        long sent = 0, committed = 0, failed = 0, skipped = 0, outstanding = 0;
        var latencies = new List<double>();
        var pending = new List<Task>();
        var gate = new object();
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * ratePerSecond);
            while (sent + skipped < due)
            {
                if (Interlocked.Read(ref outstanding) >= OutstandingMax)
                {
                    skipped++;
                    continue;
                }

                sent++;
                Interlocked.Increment(ref outstanding);
                var transaction = items.SignedSingle(builder, holder, nextIndex++);
                pending.Add(Task.Run(async () =>
                {
                    var sentAt = Stopwatch.GetTimestamp();
                    try
                    {
                        var response = await ledger.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow + SubmitDeadline).ConfigureAwait(false);
                        var ok = response.Receipt is { Result.Code: ResultCode.Ok };
                        lock (gate)
                        {
                            if (ok)
                            {
                                committed++;
                                latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                            }
                            else
                            {
                                failed++;
                            }
                        }
                    }
                    catch (RpcException)
                    {
                        lock (gate)
                        {
                            failed++;
                        }
                    }
                    finally
                    {
                        Interlocked.Decrement(ref outstanding);
                    }
                }, CancellationToken.None));
            }

            pending.RemoveAll(task => task.IsCompleted);
            try
            {
                await Task.Delay(Tick, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(pending).ConfigureAwait(false);
        lock (gate)
        {
            latencies.Sort();
            var p50 = latencies.Count > 0 ? LatencySummary.Percentile(latencies, 0.50) : double.NaN;
            var p99 = latencies.Count > 0 ? LatencySummary.Percentile(latencies, 0.99) : double.NaN;
            return new SingleResult(sent, committed, failed, skipped, seconds, p50, p99);
        }
    }
}
