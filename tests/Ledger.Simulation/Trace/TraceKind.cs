namespace Ledger.Simulation;

public enum TraceKind : byte
{
    Deliver,
    Drop,
    Duplicate,
    Ready,
    SlowDisk,
    Apply,
    Role,
    Propose,
    ConfChange,
    Transfer,
    Snapshot,
    Crash,
    Restart,
    Partition,
    Heal,
    ClockJump,
    Flush,
    Liveness,
    Rollback,
}
