using Ledger.Consensus;

namespace Ledger.Node.Consensus;

/// <summary>The ledger's state machine as the drive loop sees it: committed entries in, nothing out.</summary>
public interface IReplicatedStateMachine
{
    /// <summary>Index of the last entry whose effects are durable in the state machine.</summary>
    ulong AppliedIndex { get; }

    /// <summary>Applies one committed normal entry (deterministically; identical on every node).</summary>
    void ApplyEntry(Entry entry);

    /// <summary>Records that a conf change entry was applied, so <see cref="AppliedIndex"/> advances past it.</summary>
    void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting);

    /// <summary>
    /// Sees entries just before the drive loop persists them, so work that depends only on their
    /// bytes (signature checks) can run alongside the write; must return at once. They may never
    /// commit (a new leader can overwrite them): nothing may depend on them until applied.
    /// </summary>
    void Prepare(EntrySlice entries)
    {
    }

    /// <summary>Replaces all state with the snapshot's image (a follower that fell behind the leader's compacted log).</summary>
    void RestoreSnapshot(Snapshot snapshot);
}
