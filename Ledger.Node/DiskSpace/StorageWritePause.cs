using Microsoft.Extensions.Logging;
using Prometheus;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// Turns "No space left on device" on the node's own storage writes (Raft log, blocks) into a pause
/// instead of a fault. The write is retried with backoff (<see cref="BackoffMin"/> doubling to
/// <see cref="BackoffMax"/>) until it succeeds; meanwhile the calling thread (the drive loop or the
/// apply thread) waits, the node answers reads and says not ready, and Raft sees a slow node.
/// <para>
/// Why a retry is safe: every write this guards is one atomic RocksDB write batch, and the code that
/// stages it moves its in-memory state only after the write succeeded (the Raft log's indexes and
/// cache, the block store's tip and log tree, which are discarded on failure), so the retry starts
/// from exactly the durable state and writes the same bytes. RocksDB itself stops all writes after a
/// failed one (a hard background error) and resumes on its own, within seconds, once one memtable's
/// worth of space is free again; the retries here simply wait for that (docs/operations.md).
/// </para>
/// Any other exception passes through unchanged: only lack of space is an operating state.
/// </summary>
public sealed partial class StorageWritePause : IDisposable
{
    public const string PausedName = "ledger_storage_writes_paused";
    public const string RetriesName = "ledger_storage_write_retries_total";

    public static readonly TimeSpan BackoffMinDefault = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan BackoffMaxDefault = TimeSpan.FromSeconds(5);

    // Linux ENOSPC; .NET puts the errno in IOException.HResult on Unix.
    private const int NoSpaceErrno = 28;

    private readonly ILogger logger;
    private readonly Action? spaceCheck;
    private readonly Gauge paused;
    private readonly Counter retries;
    private readonly CancellationTokenSource stopping = new();
    private int pausedWriters;
    private volatile string? reason;

    /// <param name="spaceCheck">Called before each retry (the disk-space guard samples, so metrics and readiness follow).</param>
    public StorageWritePause(CollectorRegistry registry, ILogger logger, Action? spaceCheck = null, TimeSpan? backoffMin = null, TimeSpan? backoffMax = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        this.logger = logger;
        this.spaceCheck = spaceCheck;
        BackoffMin = backoffMin ?? BackoffMinDefault;
        BackoffMax = backoffMax ?? BackoffMaxDefault;
        if (BackoffMin <= TimeSpan.Zero || BackoffMax < BackoffMin)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffMin), $"backoff must be positive and at most its maximum ({BackoffMin}, {BackoffMax})");
        }

        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        paused = factory.CreateGauge(PausedName, "Storage writes waiting for disk space after 'No space left on device' (drive loop, apply thread); 0 normally");
        retries = factory.CreateCounter(RetriesName, "Storage writes retried after 'No space left on device'");
    }

    public TimeSpan BackoffMin { get; }

    public TimeSpan BackoffMax { get; }

    /// <summary>True while some write waits for space.</summary>
    public bool Paused => Volatile.Read(ref pausedWriters) > 0;

    /// <summary>What is waiting and why, while <see cref="Paused"/>; null otherwise.</summary>
    public string? Reason => Paused ? reason : null;

    /// <summary>
    /// Runs <paramref name="write"/>, retrying it while it fails for lack of space. Throws
    /// <see cref="OperationCanceledException"/> when <see cref="Stop"/> is called during a pause.
    /// </summary>
    /// <param name="what">Names the write in logs and readiness ("raft log append", "block apply").</param>
    public void Run(Action write, string what)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            write();
            return;
        }
        catch (Exception first) when (IsNoSpace(first))
        {
            WaitAndRetry(write, what, first);
        }
    }

    /// <summary>Ends every pause (the node stops): the waiting writes throw <see cref="OperationCanceledException"/>.</summary>
    public void Stop() => stopping.Cancel();

    public void Dispose() => stopping.Dispose();

    /// <summary>True when <paramref name="error"/> (or an exception inside it) says the disk is full.</summary>
    public static bool IsNoSpace(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: NoSpaceErrno })
            {
                return true;
            }

            // RocksDB: "IO error: No space left on device: While appending to file: ..." (Status::NoSpace).
            if (e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void WaitAndRetry(Action write, string what, Exception first)
    {
        Interlocked.Increment(ref pausedWriters);
        paused.Inc();
        reason = $"{what} waits for disk space ({first.Message})";
        LogPaused(logger, what, first.Message);
        var delay = BackoffMin;
        var attempts = 0L;
        try
        {
            while (true)
            {
                if (stopping.Token.WaitHandle.WaitOne(delay))
                {
                    throw new OperationCanceledException($"the node stopped while the {what} waited for disk space", first, stopping.Token);
                }

                spaceCheck?.Invoke();
                retries.Inc();
                attempts++;
                try
                {
                    write();
                    LogResumed(logger, what, attempts);
                    return;
                }
                catch (Exception again) when (IsNoSpace(again))
                {
                    delay = delay * 2 > BackoffMax ? BackoffMax : delay * 2;
                }
            }
        }
        finally
        {
            paused.Dec();
            Interlocked.Decrement(ref pausedWriters);
        }
    }

    [LoggerMessage(EventId = 9311, Level = LogLevel.Error, Message = "The {What} failed for lack of disk space ({Reason}): paused, retrying until space is freed (the node serves reads and says not ready meanwhile)")]
    private static partial void LogPaused(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = 9312, Level = LogLevel.Warning, Message = "The {What} succeeded after {Attempts} retries: disk space is back, the node goes on")]
    private static partial void LogResumed(ILogger logger, string what, long attempts);
}
