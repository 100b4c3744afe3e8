using Ledger.Consensus;
using Ledger.Node.Consensus;

namespace Ledger.Node.Recovery;

/// <summary>
/// Whether this node is recovering, as status and readiness report it. Two stages, one answer:
/// <list type="number">
/// <item>Raft recovers (<see cref="DriverStatus.Recovering"/>): the log re-fetches what it may have lost; the node
/// neither votes nor counts toward a commit quorum.</item>
/// <item>Raft leaves recovery as soon as its <em>log</em> holds what it acknowledged and the leader's commit, but the
/// apply stage has not yet rebuilt the blocks, registry state and proofs from those entries. Until the applied index
/// reaches the commit index Raft had when it left recovery (the <em>goal</em>), the node still says "recovering"
/// and readiness stays NOT_SERVING: it would otherwise look like a healthy node at a height far below what it had.</item>
/// </list>
/// Fed by the drive loop's <see cref="RaftDriver.RecoveringChanged"/> (sets the goal) and its applied index
/// (<see cref="RaftDriver.EntryApplied"/>, and on every read of <see cref="Current"/>, which also covers a snapshot).
/// Reads at heights the node has not applied yet answer NotFound/OutOfRange "as of" its height meanwhile; they
/// never serve data the node does not hold.
/// </summary>
public sealed class RecoveryProgress
{
    private readonly Func<DriverStatus> raftStatus;
    private readonly Func<ulong> appliedIndex;
    private readonly string startNote;
    private readonly ILogger logger;
    private readonly Lock goalLock = new();

    /// <summary>Null while no apply catch-up is pending; replaced as a whole (readers on any thread).</summary>
    private ApplyGoal? goal;

    /// <summary>True from a start or a Raft recovery until the goal is set (covers the moment between Raft leaving and the event).</summary>
    private volatile bool awaitingRaft;

    /// <param name="raftStatus">The drive loop's latest status.</param>
    /// <param name="appliedIndex">The apply stage's applied Raft index.</param>
    /// <param name="startNote">Why this start began recovering (<see cref="NodeStart.Note"/>); empty on a normal start.</param>
    public RecoveryProgress(Func<DriverStatus> raftStatus, Func<ulong> appliedIndex, string startNote, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(raftStatus);
        ArgumentNullException.ThrowIfNull(appliedIndex);
        ArgumentNullException.ThrowIfNull(startNote);
        this.raftStatus = raftStatus;
        this.appliedIndex = appliedIndex;
        this.startNote = startNote;
        this.logger = logger;
        awaitingRaft = raftStatus().Recovering || startNote.Length > 0;
    }

    /// <summary>The commit index the applied index must reach before the node serves again; 0 when none is pending.</summary>
    public ulong GoalIndex => goal?.CommitIndex ?? 0;

    /// <summary>(true, why) while Raft recovers or the apply stage has not reached the goal; (false, "") otherwise.</summary>
    public (bool Recovering, string Reason) Current
    {
        get
        {
            var raft = raftStatus();
            if (raft.Recovering)
            {
                return (true, WithStartNote(Describe(raft.RecoveryReason)));
            }

            if (awaitingRaft)
            {
                // Raft left recovery and the loop has not raised the event yet: its status holds the commit index then.
                SetGoal(raft);
            }

            if (goal is not { } pending)
            {
                return (false, "");
            }

            var applied = appliedIndex();
            if (ReachedGoal(pending, applied))
            {
                return (false, "");
            }

            return (true, WithStartNote($"its log caught up from the leader; rebuilding blocks from the committed entries: applied index {applied} of {pending.CommitIndex}, not serving reads of what it has not applied yet"));
        }
    }

    /// <summary>Subscribes to the drive loop (before <see cref="RaftDriver.Start"/>) and logs a recovery already under way.</summary>
    public void Attach(RaftDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        driver.RecoveringChanged += OnRecoveringChanged;
        driver.EntryApplied += (index, _) => OnApplied(index);
        var raft = raftStatus();
        if (raft.Recovering)
        {
            RecoveryLog.Recovering(logger, raft.RecoveryReason.ToString(), Current.Reason);
        }
    }

    /// <summary>On the loop thread when Raft enters or leaves recovery.</summary>
    public void OnRecoveringChanged(DriverStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Recovering)
        {
            awaitingRaft = true;
            goal = null;
            RecoveryLog.Recovering(logger, status.RecoveryReason.ToString(), Current.Reason);
            return;
        }

        SetGoal(status);
    }

    /// <summary>On the apply thread after each applied entry.</summary>
    public void OnApplied(ulong index)
    {
        if (goal is { } pending)
        {
            ReachedGoal(pending, index);
        }
    }

    private void SetGoal(DriverStatus left)
    {
        ApplyGoal pending;
        lock (goalLock)
        {
            if (!awaitingRaft)
            {
                return;
            }

            pending = new ApplyGoal(left.Committed);
            goal = pending;
            awaitingRaft = false;
        }

        RecoveryLog.LogCaughtUp(logger, left.LastIndex, left.Committed, appliedIndex());
        ReachedGoal(pending, appliedIndex());
    }

    /// <summary>Clears <paramref name="pending"/> (once, logging it) when <paramref name="applied"/> reached it.</summary>
    private bool ReachedGoal(ApplyGoal pending, ulong applied)
    {
        if (applied < pending.CommitIndex)
        {
            return false;
        }

        if (ReferenceEquals(Interlocked.CompareExchange(ref goal, null, pending), pending))
        {
            RecoveryLog.Recovered(logger, pending.CommitIndex, applied);
        }

        return true;
    }

    private string WithStartNote(string reason) => startNote.Length > 0 ? $"{reason} ({startNote})" : reason;

    private static string Describe(RecoveryReason reason) => reason switch
    {
        RecoveryReason.HardStateLost => "its Raft hard state may be lost: catching up from the leader, and voting again only once every other voter's term is known",
        RecoveryReason.LogMayBeBehind => "its log may be behind what it acknowledged: catching up from the leader",
        _ => "a peer showed it acknowledged entries its log no longer holds: catching up from the leader",
    };

    /// <summary>The commit index Raft had when it left recovery; a class so a reader sees it whole.</summary>
    private sealed record ApplyGoal(ulong CommitIndex);
}
