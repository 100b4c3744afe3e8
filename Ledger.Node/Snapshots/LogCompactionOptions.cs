namespace Ledger.Node.Snapshots;

/// <summary>
/// How long the Raft log may grow (<c>Node:Raft:*</c>): applied entries are kept up to
/// <see cref="CompactionRetainEntries"/> entries AND up to <see cref="CompactionRetainBytes"/> bytes,
/// whichever keeps fewer. Followers further behind than the kept entries get a state snapshot.
/// </summary>
public sealed class LogCompactionOptions
{
    /// <summary>Smallest byte budget accepted: 1 MiB.</summary>
    public const long CompactionRetainBytesMin = 1024L * 1024;

    /// <summary>Largest byte budget accepted: 64 GiB.</summary>
    public const long CompactionRetainBytesLimit = 64L * 1024 * 1024 * 1024;

    /// <summary>Applied entries kept in the log behind the applied index, so a briefly lagging follower catches up from the log.</summary>
    public int CompactionRetainEntries { get; set; } = 5_000;

    /// <summary>
    /// Bytes of applied entries (<see cref="Consensus.Entry.SizeBytes"/>) kept behind the applied index
    /// at most: 256 MiB is about a minute of 10,000-item batches at 90,000 items/s. Without it, 5,000
    /// batch entries of ~0.5 MB kept ~2.5 GB of log on disk.
    /// </summary>
    public long CompactionRetainBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Entries applied between two compactions (each records a snapshot descriptor and deletes a range of the log).</summary>
    public int CompactionIntervalEntries { get; set; } = 5_000;

    /// <summary>
    /// Applied bytes past <see cref="CompactionRetainBytes"/> that start a compaction before
    /// <see cref="CompactionIntervalEntries"/> is reached: a quarter of the budget, so the log on disk
    /// stays within 1.25 × the budget plus the entries not yet applied.
    /// </summary>
    public long CompactionSlackBytes => CompactionRetainBytes / 4;

    /// <param name="appendBytesMax">Bytes one Raft append carries at most: the budget keeps at least one.</param>
    public void Validate(long appendBytesMax)
    {
        if (CompactionRetainEntries is < 0 or > 10_000_000)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionRetainEntries must be within 0..10000000, was {CompactionRetainEntries}");
        }

        if (CompactionIntervalEntries is < 1 or > 10_000_000)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionIntervalEntries must be within 1..10000000, was {CompactionIntervalEntries}");
        }

        if (CompactionRetainBytes is < CompactionRetainBytesMin or > CompactionRetainBytesLimit)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionRetainBytes must be within {CompactionRetainBytesMin}..{CompactionRetainBytesLimit} (1 MiB..64 GiB), was {CompactionRetainBytes}");
        }

        if (CompactionRetainBytes < appendBytesMax)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionRetainBytes ({CompactionRetainBytes}) must be at least the bytes of one Raft append ({appendBytesMax}), or a follower one append behind could never catch up from the log");
        }
    }
}
