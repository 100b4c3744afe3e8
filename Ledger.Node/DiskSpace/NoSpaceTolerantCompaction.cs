using Ledger.Node.Consensus;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// Raft log compaction that skips a round when the disk is full instead of stopping the drive loop:
/// compaction is optional work that frees space, and it recomputes what to do from the stored log each
/// time, so the next applied entry tries again.
/// </summary>
public sealed class NoSpaceTolerantCompaction(IAppliedIndexListener inner) : IAppliedIndexListener
{
    private long skipped;

    /// <summary>Rounds skipped for lack of space.</summary>
    public long Skipped => Interlocked.Read(ref skipped);

    public void OnApplied(ulong appliedIndex)
    {
        try
        {
            inner.OnApplied(appliedIndex);
        }
        catch (Exception e) when (StorageWritePause.IsNoSpace(e))
        {
            Interlocked.Increment(ref skipped);
        }
    }
}
