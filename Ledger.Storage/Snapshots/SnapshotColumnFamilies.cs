namespace Ledger.Storage.Snapshots;

/// <summary>
/// The column families a state snapshot carries: everything but the Raft log and Raft state, which
/// belong to each node (its own term, vote and log). <c>meta</c> is installed last on purpose: it holds
/// the applied Raft index, so until it is in place the node still looks behind the installed Raft
/// snapshot and a crash mid-install is finished on the next start instead of leaving a mix.
/// </summary>
public static class SnapshotColumnFamilies
{
    public static readonly IReadOnlyList<string> InstallOrder =
    [
        ColumnFamilyNames.Blocks,
        ColumnFamilyNames.TransactionIndex,
        ColumnFamilyNames.MerkleNodes,
        ColumnFamilyNames.RegistryState,
        ColumnFamilyNames.Meta,
    ];

    public static bool Contains(string name)
    {
        foreach (var family in InstallOrder)
        {
            if (string.Equals(family, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>File name of a column family's SST inside a snapshot directory.</summary>
    public static string FileName(string columnFamily) => columnFamily + ".sst";
}
