using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Node.TestFaults;

/// <summary>
/// TEST ONLY (planted bug <c>skip-raft-fsync</c>): applies an entry only once this node's held Raft writes
/// made it durable (<see cref="DeferredRaftWrites.WaitUntilDurable"/>), so after a kill the state is never
/// ahead of the log, as with real unsynced writes after a power cut. Runs on the apply thread.
/// </summary>
internal sealed class DurableAppliesOnly(IReplicatedStateMachine inner, DeferredRaftWrites writes) : IReplicatedStateMachine
{
    public ulong AppliedIndex => inner.AppliedIndex;

    public void ApplyEntry(Entry entry)
    {
        writes.WaitUntilDurable(entry.Index);
        inner.ApplyEntry(entry);
    }

    public void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting)
    {
        writes.WaitUntilDurable(entry.Index);
        inner.ApplyConfChangeEntry(entry, change, resulting);
    }

    public void Prepare(EntrySlice entries) => inner.Prepare(entries);

    public void RestoreSnapshot(Snapshot snapshot)
    {
        writes.WaitUntilDurable(snapshot.Metadata.Index);
        inner.RestoreSnapshot(snapshot);
    }
}
