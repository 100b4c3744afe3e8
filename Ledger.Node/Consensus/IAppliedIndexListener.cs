namespace Ledger.Node.Consensus;

/// <summary>Told by the drive loop, on its thread, after each Ready's committed entries are applied (log compaction hangs here).</summary>
public interface IAppliedIndexListener
{
    void OnApplied(ulong appliedIndex);
}
