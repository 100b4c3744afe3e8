namespace Ledger.Storage.Snapshots;

/// <summary>A snapshot (or a chunk of one) that must not be installed: wrong chain, stale, malformed, or failing verification.</summary>
public sealed class SnapshotRejectedException(string message) : Exception(message);

/// <summary>A chunk that does not start where the receiver's staged copy ends; the sender resumes from <see cref="ExpectedOffset"/>.</summary>
public sealed class SnapshotOffsetMismatchException(ulong offeredOffset, ulong expectedOffset)
    : Exception($"snapshot chunk starts at byte {offeredOffset}, but {expectedOffset} bytes are staged")
{
    public ulong OfferedOffset { get; } = offeredOffset;

    public ulong ExpectedOffset { get; } = expectedOffset;
}
