namespace Ledger.Node.Snapshots;

/// <summary>How long the Raft log may grow (<c>Node:Raft:*</c>). Followers further behind than the kept entries get a state snapshot.</summary>
public sealed class LogCompactionOptions
{
    /// <summary>Applied entries kept in the log behind the applied index, so a briefly lagging follower catches up from the log.</summary>
    public int CompactionRetainEntries { get; set; } = 5_000;

    /// <summary>Entries applied between two compactions (each records a snapshot descriptor and deletes a range of the log).</summary>
    public int CompactionIntervalEntries { get; set; } = 5_000;

    public void Validate()
    {
        if (CompactionRetainEntries is < 0 or > 10_000_000)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionRetainEntries must be within 0..10000000, was {CompactionRetainEntries}");
        }

        if (CompactionIntervalEntries is < 1 or > 10_000_000)
        {
            throw new InvalidOperationException($"Node:Raft:CompactionIntervalEntries must be within 1..10000000, was {CompactionIntervalEntries}");
        }
    }
}
