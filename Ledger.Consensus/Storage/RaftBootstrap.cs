namespace Ledger.Consensus;

/// <summary>
/// How a founding member's storage starts, so that nodes added later can learn the founding membership.
/// </summary>
/// <remarks>
/// The founding membership is recorded as a real snapshot at index 1, term 1 (no state-machine data)
/// with hard state (term 1, no vote, commit 1). Every founder writes exactly this, so their logs agree.
/// A node that joins later starts with empty storage (<see cref="ConfState.Empty"/>): the leader cannot
/// send it entries below its first index and ships this snapshot (or a later one) instead, from which the
/// joiner learns the membership, then replays the conf change that added it.
/// </remarks>
public static class RaftBootstrap
{
    public const ulong FoundingIndex = 1;

    public const ulong FoundingTerm = 1;

    public static HardState FoundingHardState => new(FoundingTerm, 0, FoundingIndex);

    public static Snapshot FoundingSnapshot(ConfState founders)
    {
        ArgumentNullException.ThrowIfNull(founders);
        if (founders.Voters.Length == 0)
        {
            throw new ArgumentException("A founding membership needs at least one voter.", nameof(founders));
        }

        return new Snapshot(new SnapshotMetadata(FoundingIndex, FoundingTerm, founders), ReadOnlyMemory<byte>.Empty);
    }
}
