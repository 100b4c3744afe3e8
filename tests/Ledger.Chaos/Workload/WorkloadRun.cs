using Grpc.Core;
using Ledger.Chaos.History;
using Ledger.Client;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;

namespace Ledger.Chaos.Workload;

/// <summary>One run of the workload: what all its clients share (options, the history, the rate limiters, the recent hashes, the counts).</summary>
internal sealed class WorkloadRun
{
    public WorkloadRun(WorkloadOptions options, HistoryRecorder recorder)
    {
        Options = options;
        Recorder = recorder;
        Genesis = options.ParseGenesis();
        ChainId = Genesis.ChainId;
        ChainHash = CryptoSuites.Get(Genesis.Suite).Hash;
        // A burst of one stream's worth lets a client fill a stream at once without exceeding the rate over a second.
        RegistrationBucket = new TokenBucket(options.RegistrationsPerSecond, Math.Min(options.RegistrationsPerSecond, WorkloadLimits.StreamItemsMax), options.TimeProvider);
        RecentAcks = new RecentAcks((long)(WorkloadLimits.RecentAcksSpacing.TotalSeconds * options.TimeProvider.TimestampFrequency));
        ReadBucket = new TokenBucket(options.ReadsPerSecond, Math.Max(1, Math.Min(options.ReadsPerSecond, options.ReaderCount)), options.TimeProvider);
    }

    public WorkloadOptions Options { get; }

    public HistoryRecorder Recorder { get; }

    public ConsortiumGenesis Genesis { get; }

    public string ChainId { get; }

    public IHashAlgorithm ChainHash { get; }

    public TokenBucket RegistrationBucket { get; }

    public TokenBucket ReadBucket { get; }

    public RecentWrites RecentWrites { get; } = new();

    public RecentAcks RecentAcks { get; }

    public WorkloadCounters Counters { get; } = new();

    /// <summary>A per-client seed derived from the run's (stable across processes, unlike HashCode).</summary>
    public static int SeedFor(int seed, int clientId) => unchecked((seed * 1_000_003) + clientId);

    /// <summary>Pause before attempt <paramref name="attempt"/> (1 = the first retry): doubling, capped.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var ticks = WorkloadLimits.RetryBackoffInitial.Ticks << Math.Min(attempt - 1, 16);
        return TimeSpan.FromTicks(Math.Min(ticks, WorkloadLimits.RetryBackoffMax.Ticks));
    }

    /// <summary>A failure in a few words: the gRPC status and detail when there is one.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode} {rpc.Status.Detail}",
        LedgerUnavailableException { InnerException: RpcException rpc } => $"{rpc.StatusCode} {rpc.Status.Detail}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>The status code behind a failed call (the SDK wraps the last one of its attempts).</summary>
    public static StatusCode? StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        LedgerUnavailableException { InnerException: RpcException rpc } => rpc.StatusCode,
        _ => null,
    };

    /// <summary>Removes finished tasks from <paramref name="tasks"/>, surfacing a failure (a bug) rather than dropping it.</summary>
    public static async Task PruneCompletedAsync(List<Task> tasks)
    {
        for (var i = tasks.Count - 1; i >= 0; i--)
        {
            if (tasks[i].IsCompleted)
            {
                await tasks[i].ConfigureAwait(false);
                tasks.RemoveAt(i);
            }
        }
    }
}
