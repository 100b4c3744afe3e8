using Ledger.Consensus;
using Ledger.Node.Consensus;

namespace Ledger.Node.DiskSpace;

/// <summary>
/// The drive loop's persistence, waiting through a full disk (<see cref="StorageWritePause"/>) instead of
/// stopping the loop. Retrying is safe: the Raft log moves its in-memory state only after its one atomic
/// write succeeded, so a retry writes the same batch over the same durable state. While it waits the
/// loop neither ticks nor acknowledges: peers see a slow node (a leader loses its lease and a new one is
/// elected), never a diverged one.
/// </summary>
public sealed class PausingRaftPersistence(IRaftPersistence inner, StorageWritePause pause) : IRaftPersistence
{
    public void Persist(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState, bool sync) =>
        pause.Run(() => inner.Persist(snapshot, entries, hardState, sync), "raft log write");

    public void SaveConfState(ConfState confState, ulong index) =>
        pause.Run(() => inner.SaveConfState(confState, index), "raft membership write");
}
