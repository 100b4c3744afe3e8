using Ledger.Consensus;
using Ledger.Node.Consensus;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// The apply thread's state machine, waiting through a full disk (<see cref="StorageWritePause"/>) instead
/// of faulting ("the state machine no longer follows the log"). An entry whose block write failed left
/// nothing behind: the block, its index entries, log-tree nodes, registry writes and the applied index
/// are one atomic write batch, and the block store drops what it staged when the write fails, so the
/// retry rebuilds the same block from the same durable state (a verdict taken from the pre-verifier on
/// the first try is checked inline on the retry, with the same result). An entry already applied (the
/// applied index reached it) is never applied twice. Snapshot installs are not retried: they stage files
/// outside the database and fail as before.
/// </summary>
public sealed class PausingStateMachine(IReplicatedStateMachine inner, StorageWritePause pause) : IReplicatedStateMachine
{
    public ulong AppliedIndex => inner.AppliedIndex;

    public void ApplyEntry(Entry entry) => pause.Run(
        () =>
        {
            if (entry.Index > inner.AppliedIndex)
            {
                inner.ApplyEntry(entry);
            }
        },
        "block apply");

    public void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting) => pause.Run(
        () =>
        {
            if (entry.Index > inner.AppliedIndex)
            {
                inner.ApplyConfChangeEntry(entry, change, resulting);
            }
        },
        "membership apply");

    public void Prepare(EntrySlice entries) => inner.Prepare(entries);

    public void RestoreSnapshot(Snapshot snapshot) => inner.RestoreSnapshot(snapshot);
}
