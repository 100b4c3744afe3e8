using Ledger.Node.Consensus;
using Ledger.Node.Hosting;
using Ledger.Storage;
using Ledger.Storage.Raft;

namespace Ledger.Node.Recovery;

/// <summary>
/// Damage found while the node runs (a Raft record failing its CRC, a stored block failing
/// verification): recorded durably so the next open fails into the repair path, the Raft loop halted
/// (no vote, no acknowledgement), serving refused, and <see cref="Found"/> completed so the host exits
/// with <see cref="NodeProgram.ExitLocalDamage"/> for its supervisor to restart it.
/// </summary>
public sealed class RuntimeDamage
{
    private readonly LedgerDatabase database;
    private readonly ILogger logger;
    private readonly TaskCompletionSource<LocalDamage> found = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RaftDriver? driver;

    public RuntimeDamage(LedgerDatabase database, ILogger logger)
    {
        this.database = database;
        this.logger = logger;
    }

    /// <summary>Completes with the first damage found; never completes on a healthy node.</summary>
    public Task<LocalDamage> Found => found.Task;

    /// <summary>The damage found, or null.</summary>
    public LocalDamage? Current => found.Task.IsCompleted ? found.Task.Result : null;

    /// <summary>Watches <paramref name="raftDriver"/>: a loop stopped by local damage reports it here.</summary>
    public void Watch(RaftDriver raftDriver)
    {
        driver = raftDriver;
        raftDriver.Stopped.ContinueWith(
            _ =>
            {
                var fault = raftDriver.Fault;
                if (fault is not null)
                {
                    Report(fault.InnerException is { } inner && LocalDamage.From(inner, database.DataDirectory) is not null ? inner : fault);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The state generation a served read begins at, for <see cref="ReportRead"/>.</summary>
    public long ReadBegins() => database.StateReplacement.Generation;

    /// <summary>
    /// A served read failed with <paramref name="error"/>. A snapshot install clears each state column family before
    /// it ingests the new one, so a read racing it finds records "missing": that is not damage, and the caller answers
    /// Unavailable (returns false). Otherwise the error is reported as damage (<see cref="Report"/>) and this returns true.
    /// </summary>
    public bool ReportRead(Exception error, long generationAtStart)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (database.StateReplacement.MayHaveRaced(generationAtStart))
        {
            return false;
        }

        Report(error);
        return true;
    }

    /// <summary>Handles <paramref name="error"/> when it is local damage (the first one wins); ignores anything else.</summary>
    public void Report(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (LocalDamage.From(error, database.DataDirectory) is not { } damage || found.Task.IsCompleted)
        {
            return;
        }

        if (error is not RaftLogCorruptionException)
        {
            // The Raft log records its own damage (RaftDamageRecord) before it throws.
            try
            {
                database.RecordDamage(damage.Part, damage.Description);
            }
            catch (Exception e) when (e is Storage.Errors.StorageException or IOException or ObjectDisposedException)
            {
                // The disk that failed a read may fail the write too: exiting still stops the node, and
                // the damage is likely found again at the next open or read.
            }
        }

        if (found.TrySetResult(damage))
        {
            RecoveryLog.DamageWhileRunning(logger, damage.Part.ToString(), damage.File, damage.Description, NodeProgram.ExitLocalDamage);
            driver?.Halt(error);
        }
    }
}
