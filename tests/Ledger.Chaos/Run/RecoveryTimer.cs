using System.Diagnostics;
using System.Globalization;
using Ledger.Chaos.Cluster;

namespace Ledger.Chaos.Run;

/// <summary>
/// Time from a leader's SIGKILL to the first commit under a new leader: the survivors are polled until
/// one reports itself leader in a later term with a commit index past the one the old leader had.
/// </summary>
public sealed class RecoveryTimer
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    private readonly Lock gate = new();
    private readonly List<double> samplesMilliseconds = [];
    private readonly List<Task> pending = [];

    public int TimedOut { get; private set; }

    public void Measure(ChaosCluster cluster, ulong termBefore, ulong commitBefore, long killedAtTimestamp, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var task = Task.Run(async () =>
        {
            while (!cancel.IsCancellationRequested && Stopwatch.GetElapsedTime(killedAtTimestamp) < GiveUpAfter)
            {
                // The killed node itself may win the next election once restarted: any member in a later term counts.
                foreach (var node in cluster.Members)
                {
                    var status = await node.TryStatusAsync(cancel).ConfigureAwait(false);
                    if (status is { Role: "Leader" } && status.Term > termBefore && status.CommitIndex > commitBefore)
                    {
                        lock (gate)
                        {
                            samplesMilliseconds.Add(Stopwatch.GetElapsedTime(killedAtTimestamp).TotalMilliseconds);
                        }

                        return;
                    }
                }

                await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
            }

            lock (gate)
            {
                TimedOut++;
            }
        }, CancellationToken.None);
        lock (gate)
        {
            pending.Add(task);
        }
    }

    public async Task DrainAsync()
    {
        Task[] all;
        lock (gate)
        {
            all = [.. pending];
        }

        await Task.WhenAll(all).ConfigureAwait(false);
    }

    public IReadOnlyList<double> Samples
    {
        get
        {
            lock (gate)
            {
                return [.. samplesMilliseconds];
            }
        }
    }

    /// <summary>The line printed before the closing line (nearest-rank percentiles; "-" without a sample).</summary>
    public string Format()
    {
        var sorted = Samples.Order().ToList();
        string At(double quantile) => sorted.Count == 0
            ? "-"
            : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)]).ToString(CultureInfo.InvariantCulture);
        return $"recovery_ms_p50={At(0.50)} recovery_ms_p99={At(0.99)} leader_kills_measured={sorted.Count} recovery_timeouts={TimedOut}";
    }
}
