using Ledger.Storage.Errors;

namespace Ledger.Node.Recovery;

/// <summary>
/// Local damage on a node that has no peers to resync from (a single-node ledger): it refuses to
/// start, naming the damaged file and the commands that get it going again.
/// </summary>
public sealed class UnrepairableDamageException(LocalDamage damage, string databaseDirectory)
    : StorageException(Describe(damage, databaseDirectory))
{
    public LocalDamage Damage { get; } = damage;

    private static string Describe(LocalDamage damage, string databaseDirectory)
    {
        var aside = databaseDirectory + ".damaged";
        return $"{damage.Description} (file: {damage.File}). This node has no peers to resync from, so it will not start on damaged data. " +
               $"Restore its data from a backup: stop the node, run `mv '{databaseDirectory}' '{aside}'`, put a backup in its place with `Ledger.Node restore --from BACKUP --data-dir '{Path.GetDirectoryName(databaseDirectory)}'` (docs/backup-restore.md), and start the node again. " +
               $"With no backup, `mv '{databaseDirectory}' '{aside}'` and start the node on an empty directory (a new, empty ledger: its history stays in '{aside}').";
    }
}
