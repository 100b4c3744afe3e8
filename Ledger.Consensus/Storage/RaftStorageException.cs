namespace Ledger.Consensus;

/// <summary>Base of the typed errors an <see cref="IRaftLogStorage"/> raises.</summary>
public abstract class RaftStorageException : Exception
{
    protected RaftStorageException(string message)
        : base(message)
    {
    }
}

/// <summary>The requested index is at or below the compaction point (covered by the snapshot).</summary>
public sealed class RaftLogCompactedException : RaftStorageException
{
    public RaftLogCompactedException(ulong index, ulong firstIndex)
        : base($"Index {index} is compacted; the first available index is {firstIndex}.")
    {
        Index = index;
    }

    public ulong Index { get; }
}

/// <summary>The requested index is beyond the last stored entry.</summary>
public sealed class RaftLogUnavailableException : RaftStorageException
{
    public RaftLogUnavailableException(ulong index, ulong lastIndex)
        : base($"Index {index} is unavailable; the last index is {lastIndex}.")
    {
        Index = index;
    }

    public ulong Index { get; }
}

/// <summary>A snapshot is being prepared and cannot be served yet; Raft will retry later.</summary>
public sealed class RaftSnapshotTemporarilyUnavailableException : RaftStorageException
{
    public RaftSnapshotTemporarilyUnavailableException()
        : base("Snapshot is temporarily unavailable.")
    {
    }
}

/// <summary>A snapshot older than the one already held was offered.</summary>
public sealed class RaftSnapshotOutOfDateException : RaftStorageException
{
    public RaftSnapshotOutOfDateException(ulong offeredIndex, ulong currentIndex)
        : base($"Snapshot at index {offeredIndex} is older than the current snapshot at {currentIndex}.")
    {
    }
}
