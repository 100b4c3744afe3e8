using Grpc.Core;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// Watches the free space of the data directory's file system against <see cref="DiskSpaceOptions.ReserveBytes"/>
/// (etcd's NOSPACE alarm, without the manual disarm). Below the reserve the alarm is on: the door refuses
/// writes with ResourceExhausted (<see cref="ThrowIfBelowReserve"/>), a leader proposes nothing
/// (<see cref="RefusalNow"/>), readiness says not ready; reads, proofs and evidence are served as
/// always. The alarm goes off again at the first sample at or above the reserve: writes resume without
/// a restart.
/// <para>
/// Sampled on a timer (one statvfs per <see cref="DiskSpaceOptions.CheckIntervalMilliseconds"/>) and by the
/// leader before each proposal; readers of <see cref="AlarmOn"/> and <see cref="FreeBytes"/> pay nothing.
/// A probe that fails keeps the last sample (and says so in the log once).
/// </para>
/// </summary>
public sealed partial class DiskSpaceGuard : IDisposable
{
    public const string FreeBytesName = "ledger_disk_free_bytes";
    public const string ReserveBytesName = "ledger_disk_reserve_bytes";
    public const string AlarmName = "ledger_disk_space_alarm";

    /// <summary>How every refusal for lack of space begins (a follower recognizes its leader's by it).</summary>
    public const string RefusalPrefix = "disk space below reserve:";

    private readonly DiskSpaceOptions options;
    private readonly string directory;
    private volatile IFreeSpaceProbe probe;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Gauge freeBytesGauge;
    private readonly Gauge alarmGauge;
    private readonly Lock sampling = new();
    private System.Threading.ITimer? timer;
    private long freeBytes = long.MaxValue;
    private volatile bool alarmOn;
    private bool probeFailing;

    public DiskSpaceGuard(DiskSpaceOptions options, string directory, IFreeSpaceProbe probe, TimeProvider timeProvider, CollectorRegistry registry, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        this.options = options;
        this.directory = directory;
        this.probe = probe;
        this.timeProvider = timeProvider;
        this.logger = logger;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        freeBytesGauge = factory.CreateGauge(FreeBytesName, "Bytes available to the node on the file system of its data directory, as last sampled");
        factory.CreateGauge(ReserveBytesName, "Free bytes kept back (Node:DiskSpace:ReserveBytes): below it the node refuses writes").Set(options.ReserveBytes);
        alarmGauge = factory.CreateGauge(AlarmName, "1 while free space is below the reserve (writes refused with ResourceExhausted, not ready), else 0");
        Refresh();
    }

    /// <summary>Raised on the timer after each periodic sample (a leader below the reserve hands over: <see cref="LeaderStepAside"/>).</summary>
    public event Action? Sampled;

    /// <summary>The reserve this guard keeps.</summary>
    public long ReserveBytes => options.ReserveBytes;

    /// <summary>Free bytes as last sampled (<see cref="long.MaxValue"/> before a first successful sample).</summary>
    public long FreeBytes => Interlocked.Read(ref freeBytes);

    /// <summary>True while the last sample was below the reserve.</summary>
    public bool AlarmOn => alarmOn;

    /// <summary>The refusal as of the last sample ("disk space below reserve: N bytes free, reserve M"), or null.</summary>
    public string? Refusal => alarmOn ? Describe(FreeBytes) : null;

    /// <summary>Samples now and answers as <see cref="Refusal"/>: the leader asks this before every proposal.</summary>
    public string? RefusalNow()
    {
        Refresh();
        return Refusal;
    }

    /// <summary>The door's check: ResourceExhausted naming the cause while the alarm is on.</summary>
    public void ThrowIfBelowReserve()
    {
        if (Refusal is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{refusal}; this node takes writes again once space is freed (reads are served)"));
        }
    }

    /// <summary>TEST ONLY: reads free space from <paramref name="replacement"/> from now on (tests decide what the disk says), and samples it.</summary>
    public void ReplaceProbe(IFreeSpaceProbe replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        probe = replacement;
        Refresh();
    }

    /// <summary>Starts sampling on the node's clock.</summary>
    public void Start()
    {
        var interval = TimeSpan.FromMilliseconds(options.CheckIntervalMilliseconds);
        timer ??= timeProvider.CreateTimer(
            _ =>
            {
                Refresh();
                Sampled?.Invoke();
            },
            null,
            interval,
            interval);
    }

    /// <summary>Samples the free space once and moves the alarm (thread-safe).</summary>
    public void Refresh()
    {
        lock (sampling)
        {
            long available;
            try
            {
                available = probe.AvailableBytes(directory);
                if (probeFailing)
                {
                    probeFailing = false;
                    LogProbeRecovered(logger, directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                if (!probeFailing)
                {
                    probeFailing = true;
                    LogProbeFailed(logger, directory, e.Message);
                }

                return;
            }

            available = Math.Max(0, available);
            Interlocked.Exchange(ref freeBytes, available);
            freeBytesGauge.Set(available);
            var below = available < options.ReserveBytes;
            if (below != alarmOn)
            {
                alarmOn = below;
                alarmGauge.Set(below ? 1 : 0);
                if (below)
                {
                    LogAlarmOn(logger, available, options.ReserveBytes, directory);
                }
                else
                {
                    LogAlarmOff(logger, available, options.ReserveBytes);
                }
            }
        }
    }

    public void Dispose() => timer?.Dispose();

    private string Describe(long available) => $"{RefusalPrefix} {available} bytes free, reserve {options.ReserveBytes}";

    [LoggerMessage(EventId = 9301, Level = LogLevel.Error, Message = "Disk space below reserve: {FreeBytes} bytes free, reserve {ReserveBytes} ({Directory}): refusing writes (ResourceExhausted), proposing nothing, not ready; reads go on. Free space or grow the volume: writes resume by themselves")]
    private static partial void LogAlarmOn(ILogger logger, long freeBytes, long reserveBytes, string directory);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Warning, Message = "Disk space back above the reserve: {FreeBytes} bytes free, reserve {ReserveBytes}; taking writes again")]
    private static partial void LogAlarmOff(ILogger logger, long freeBytes, long reserveBytes);

    [LoggerMessage(EventId = 9303, Level = LogLevel.Warning, Message = "Cannot read the free space of {Directory} ({Reason}); the disk-space alarm keeps its last state")]
    private static partial void LogProbeFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 9304, Level = LogLevel.Information, Message = "Free space of {Directory} readable again")]
    private static partial void LogProbeRecovered(ILogger logger, string directory);
}
