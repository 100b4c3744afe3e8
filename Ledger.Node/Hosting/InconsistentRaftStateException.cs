using Ledger.Consensus;

namespace Ledger.Node.Hosting;

/// <summary>
/// The Raft state read at start breaks one of Raft's invariants (<see cref="RaftInvariantException"/>:
/// for example an applied index ahead of the persisted commit, or a commit outside the stored log).
/// Every record passed its checksum, so this is no flipped byte the repair path would find: the
/// directory holds a state no correct run writes (a partial restore, files from two copies mixed, or
/// a bug). Quarantining it on its own was not chosen — a bug would then wipe every node in turn — so
/// the node refuses to start, naming the directory and the commands that get it going again.
/// </summary>
public sealed class InconsistentRaftStateException(RaftInvariantException invariant, string databaseDirectory, bool hasPeers)
    : Exception(Describe(invariant, databaseDirectory, hasPeers), invariant)
{
    /// <summary>The RocksDB directory whose Raft state is inconsistent.</summary>
    public string DatabaseDirectory { get; } = databaseDirectory;

    private static string Describe(RaftInvariantException invariant, string databaseDirectory, bool hasPeers)
    {
        var aside = databaseDirectory + ".inconsistent";
        var finding = $"the Raft state stored in '{databaseDirectory}' is inconsistent: {invariant.Message.TrimEnd('.')}. This node will not start on it. ";
        return hasPeers
            ? finding + $"To resync it from its peers: stop the node, run `mv '{databaseDirectory}' '{aside}'` and start the node again (it starts empty, recovering, and catches up from the leader; the old state stays in '{aside}')."
            : finding + $"This node has no peers to resync from. Restore its data from a backup: stop the node, run `mv '{databaseDirectory}' '{aside}'`, put a backup in its place with `Ledger.Node restore --from BACKUP --data-dir '{Path.GetDirectoryName(databaseDirectory)}'` (docs/backup-restore.md), and start the node again. " +
              $"With no backup, `mv '{databaseDirectory}' '{aside}'` and start the node on an empty directory (a new, empty ledger: its history stays in '{aside}').";
    }
}
