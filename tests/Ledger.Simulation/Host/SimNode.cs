using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// One simulated server: a disk (durable <see cref="MemoryRaftLogStorage"/> + durable state-machine image,
/// and the unsynced writes a crash discards), the state machine in memory, and the running
/// <see cref="RaftNode"/> (null while crashed).
/// </summary>
internal sealed class SimNode
{
    public SimNode(ulong id, ConfState bootstrap)
    {
        Id = id;
        Storage = new MemoryRaftLogStorage(bootstrap);
        DurableState = new MachineState(0, 0, bootstrap);
        State = DurableState;
    }

    public ulong Id { get; }

    /// <summary>The durable log, hard state and snapshot. Writes land here only when persisted.</summary>
    public MemoryRaftLogStorage Storage { get; }

    public RaftNode? Raft { get; set; }

    public bool IsUp => Raft is not null;

    /// <summary>Counts restarts; monotonicity checks are per incarnation.</summary>
    public int Incarnation { get; set; }

    /// <summary>Hard state written without fsync (only the commit index moved): lost on crash.</summary>
    public HardState? UnsyncedHardState { get; set; }

    /// <summary>State-machine image as of the last sync.</summary>
    public MachineState DurableState { get; set; }

    public MachineState State { get; set; }

    /// <summary>A Ready whose persistence a slow disk has not finished; the node is not advanced meanwhile.</summary>
    public Ready? SlowReady { get; set; }

    public long SlowReadyDoneTick { get; set; }

    public long RestartTick { get; set; }

    public ulong LastCommitted { get; set; }

    public ulong LastApplied { get; set; }

    public SoftState LastSoftState { get; set; }

    /// <summary>Leader-completeness was checked for this node as leader of this term.</summary>
    public ulong LeaderCheckedTerm { get; set; }

    /// <summary>Commit recording for this node as leader: the term and how far it was recorded.</summary>
    public ulong CommitRecordTerm { get; set; }

    public ulong CommitRecordedTo { get; set; }

    /// <summary>Makes every unsynced write durable (an fsync).</summary>
    public void Sync()
    {
        if (UnsyncedHardState is { } hardState)
        {
            Storage.SetHardState(hardState);
            UnsyncedHardState = null;
        }

        DurableState = State;
    }

    /// <summary>Drops everything volatile: the Raft node, an in-progress Ready, unsynced writes.</summary>
    public void Crash()
    {
        Raft = null;
        SlowReady = null;
        UnsyncedHardState = null;
        State = DurableState;
        Incarnation++;
    }

    /// <summary>
    /// After a rollback: the cluster's highest commit index at that moment. The node is damaged until it is no longer
    /// recovering and durably holds and has committed that far again; 0 = not damaged.
    /// </summary>
    public ulong RepairIndex { get; private set; }

    /// <summary>Still damaged by a rollback (see <see cref="RepairIndex"/>)? Clears the mark once repaired.</summary>
    public bool IsDamaged()
    {
        if (RepairIndex == 0)
        {
            return false;
        }

        if (Raft is { RecoveryReason: RecoveryReason.None } raft && raft.Committed >= RepairIndex && Storage.LastIndex() >= RepairIndex)
        {
            RepairIndex = 0;
        }

        return RepairIndex != 0;
    }

    /// <summary>
    /// The disk comes back having lost its log tail (the node is down): entries after <paramref name="lastIndex"/> are
    /// gone; the hard state survives (term, vote, watermarks), its commit cut to the log. Losing the hard state too is
    /// what the host must detect and declare (<see cref="RecoveryReason.HardStateLost"/>); see the unit tests.
    /// </summary>
    public void LoseTailAfter(ulong lastIndex, ulong committedMax)
    {
        RepairIndex = Math.Max(committedMax, 1);
        Storage.LoseTailAfter(lastIndex);
        var hardState = Storage.HardState;
        Storage.SetHardState(hardState with { Commit = Math.Min(hardState.Commit, lastIndex) });
    }

    /// <summary>True when the durable log (or snapshot) holds entry <paramref name="index"/> with <paramref name="term"/>.</summary>
    public bool DurablyHolds(ulong index, ulong term)
    {
        if (Storage.Snapshot().Metadata.Index >= index)
        {
            return true;
        }

        if (index > Storage.LastIndex())
        {
            return false;
        }

        return Storage.Term(index) == term;
    }

    /// <summary>Term of the durable entry at <paramref name="index"/>, or 0 when compacted or absent.</summary>
    public ulong DurableTermOrZero(ulong index)
    {
        if (index + 1 < Storage.FirstIndex() || index > Storage.LastIndex())
        {
            return 0;
        }

        return Storage.Term(index);
    }
}
