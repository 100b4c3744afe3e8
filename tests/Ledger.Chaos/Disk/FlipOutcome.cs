namespace Ledger.Chaos.Disk;

/// <summary>
/// What one iteration of the sweep did and saw. <see cref="CaughtUp"/>: after the flip, the node reached the
/// healthy node's height with every block byte-identical, without being wiped by the sweep.
/// <see cref="Answered"/>: the node came up far enough to answer Status (and so may have acknowledged entries).
/// <see cref="FoundOffline"/>: only the sweep's own offline scan of the stopped node's files found it.
/// </summary>
public sealed record FlipOutcome(int Iteration, string NodeId, DiskCorruption Corruption, FlipCategory Category, bool CaughtUp, string Note, bool Answered = true, bool FoundOffline = false)
{
    /// <summary>The node itself noticed the damage (at open, at a read, by its integrity scan) and then caught up from its peers with the healthy chain.</summary>
    public bool Repaired => Category is FlipCategory.DetectedOpen or FlipCategory.DetectedRead or FlipCategory.DetectedScan && !FoundOffline && CaughtUp;

    public override string ToString() =>
        $"#{Iteration} {NodeId} {Corruption} => {Category}{(Repaired ? " repaired" : CaughtUp ? " caught-up" : " not-caught-up")}{(Note.Length > 0 ? $" ({Note})" : "")}";
}
