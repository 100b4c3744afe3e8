using Ledger.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Node.Consensus;

/// <summary>Adapts the RocksDB Raft log to the drive loop's persistence port.</summary>
public sealed class RaftLogPersistence(RocksDbRaftLogStorage log) : IRaftPersistence
{
    public void Persist(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState, bool sync) =>
        log.Persist(snapshot, entries, hardState, sync);

    public void SaveConfState(ConfState confState, ulong index) => log.SaveConfState(confState);
}
