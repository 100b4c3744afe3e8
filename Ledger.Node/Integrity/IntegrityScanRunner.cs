using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Integrity;

namespace Ledger.Node.Integrity;

/// <summary>
/// The integrity scan's schedule, driven by the node's clock and nothing else (so a test steps it with
/// a fake clock): <see cref="RunDue"/> does what is due — one bounded slice of the current
/// <see cref="IntegrityScanPass"/>, starting a pass when one is due — and says when it is next due,
/// paced by <see cref="ScanPacer"/> to <see cref="IntegrityScanOptions.BytesPerSecond"/>.
/// <para>
/// Each pass starts again from the first block; no cursor is persisted. A pass's state is the walk's
/// recomputed log and previous hash, which a persisted cursor would have to trust from the disk under
/// test; a restart re-checks from the first block at the configured rate instead. The price: a node
/// restarted more often than one pass takes never reaches its newest blocks in this scan (reads still
/// verify every block they serve).
/// </para>
/// Damage found goes to <c>reportDamage</c> (the node's <see cref="Recovery.RuntimeDamage"/>: the same
/// path as a block that fails verification when read) and the scan stops for good.
/// </summary>
public sealed class IntegrityScanRunner
{
    /// <summary>Blocks one slice verifies at most: bounds how long a snapshot install waits for the scan.</summary>
    public const int BlocksPerSliceMax = 64;

    /// <summary>Slices per second at the configured rate: each slice's byte budget is the rate over this.</summary>
    public const int SlicesPerSecond = 10;

    private readonly LedgerDatabase database;
    private readonly BlockStore blocks;
    private readonly Action<Exception> reportDamage;
    private readonly IntegrityScanMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly ScanPacer pacer;
    private readonly TimeSpan passInterval;
    private IntegrityScanPass? pass;
    private DateTimeOffset passStartedAt;
    private long passBytes;
    private int passRestarts;
    private DateTimeOffset nextDue;
    private bool stopped;

    public IntegrityScanRunner(IntegrityScanOptions options, LedgerDatabase database, BlockStore blocks, Action<Exception> reportDamage, IntegrityScanMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.database = database;
        this.blocks = blocks;
        this.reportDamage = reportDamage;
        this.metrics = metrics;
        this.clock = clock;
        this.logger = logger;
        pacer = new ScanPacer(options.BytesPerSecond);
        passInterval = TimeSpan.FromSeconds(options.PassIntervalSeconds);
        SliceBytesMax = Math.Max(1, options.BytesPerSecond / SlicesPerSecond);
        nextDue = clock.GetUtcNow() + TimeSpan.FromSeconds(options.StartDelaySeconds);
    }

    /// <summary>Bytes one slice reads at most, beyond the one block a slice always verifies.</summary>
    public long SliceBytesMax { get; }

    /// <summary>Bytes read since start.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Passes completed (without damage) since start.</summary>
    public int PassesCompleted { get; private set; }

    /// <summary>The damage found, or null.</summary>
    public Exception? DamageFound { get; private set; }

    /// <summary>
    /// Runs one slice when it is due (starting a pass if none is running) and returns when the next
    /// is due; null once the scan found damage and stopped.
    /// </summary>
    public DateTimeOffset? RunDue()
    {
        if (stopped)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (now < nextDue)
        {
            return nextDue;
        }

        if (pass is null)
        {
            pass = new IntegrityScanPass(database, blocks);
            passStartedAt = now;
            passBytes = 0;
            passRestarts = 0;
        }

        var slice = pass.RunSlice(BlocksPerSliceMax, SliceBytesMax);
        BytesRead += slice.BytesRead;
        passBytes += slice.BytesRead;
        metrics.BlocksScanned.Inc(slice.BlocksVerified);
        metrics.BytesRead.Inc(slice.BytesRead);
        pacer.Charge(slice.BytesRead, now);
        if (pass.Restarts != passRestarts)
        {
            passRestarts = pass.Restarts;
            IntegrityScanLog.PassRestarted(logger);
        }

        if (slice.Damage is { } damage)
        {
            stopped = true;
            DamageFound = damage;
            metrics.DamageFound.Inc();
            IntegrityScanLog.DamageFound(logger, damage.Message);
            reportDamage(damage);
            return null;
        }

        nextDue = pacer.EarliestNext;
        if (pass.IsComplete)
        {
            var completedAt = clock.GetUtcNow();
            PassesCompleted++;
            metrics.PassesCompleted.Inc();
            metrics.LastFullPass.Set(completedAt.ToUnixTimeMilliseconds() / 1000.0);
            IntegrityScanLog.PassCompleted(logger, pass.NextHeight - BlockStore.FirstHeight, pass.TargetHeight, passBytes, (completedAt - passStartedAt).TotalSeconds);
            pass = null;
            var nextPass = completedAt + passInterval;
            nextDue = nextPass > nextDue ? nextPass : nextDue;
        }

        return nextDue;
    }
}
