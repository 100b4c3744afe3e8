namespace Ledger.Chaos.Run;

/// <summary>
/// The run's last line, a contract (exact keys, this order):
/// <c>chaos_seconds=600 acked=N lost=0 duplicated=0 diverged=0 nonlinearizable=0 faults=N disk_corruptions=N detected=N repaired=N</c>.
/// </summary>
public sealed record ClosingLine(
    int ChaosSeconds,
    long Acked,
    long Lost,
    long Duplicated,
    long Diverged,
    long NonLinearizable,
    int Faults,
    int DiskCorruptions,
    int Detected,
    int Repaired)
{
    public override string ToString() =>
        $"chaos_seconds={ChaosSeconds} acked={Acked} lost={Lost} duplicated={Duplicated} diverged={Diverged} nonlinearizable={NonLinearizable} faults={Faults} disk_corruptions={DiskCorruptions} detected={Detected} repaired={Repaired}";
}
