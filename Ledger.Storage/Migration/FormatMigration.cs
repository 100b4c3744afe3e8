using Ledger.Storage.Backups;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Migration;

/// <summary>What a migration did.</summary>
/// <param name="FromVersion">The format the directory was stamped with.</param>
/// <param name="BlocksRewritten">Blocks moved from the whole-block record to one record per transaction.</param>
/// <param name="Backup">The backup taken before anything was rewritten; null when the directory was already current.</param>
public sealed record FormatMigrationResult(uint FromVersion, ulong BlocksRewritten, BackupManifest? Backup);

/// <summary>
/// Migrates a data directory of an older on-disk format to <see cref="LedgerDatabase.FormatVersion"/>, explicitly (a node
/// start never does: <see cref="FormatMigrationRequiredException"/>), and only after a backup of it
/// (<see cref="DatabaseBackup"/>) has been written and described by its manifest.
/// <para>
/// 6 to 7: every block still stored as one whole-block record ('B') is read and checked against its header (transaction
/// count and tx_root) and rewritten as one record per transaction ('C'), the whole-block record deleted, in synced
/// batches; each batch's blocks are read back through the new records and compared with what was read before. The
/// format stamp is written last. A migration interrupted halfway leaves the directory stamped 6 with some blocks in
/// each layout, which this build reads; running the migration again finishes it.
/// </para>
/// </summary>
public static class FormatMigration
{
    /// <summary>Blocks rewritten per synced batch.</summary>
    public const int BlocksPerBatchMax = 256;

    /// <summary>Transaction bytes (about) per synced batch, so a batch of large blocks stays a bounded write.</summary>
    public const long BatchBytesMax = 64L * 1024 * 1024;

    /// <param name="database">Opened with <see cref="LedgerDatabaseOptions.OpenOlderFormatForMigration"/>.</param>
    /// <param name="backupDirectory">Where the backup goes (absent or empty).</param>
    /// <param name="progress">Told after each batch: the height reached and the tip.</param>
    public static FormatMigrationResult Migrate(LedgerDatabase database, BlockHashing hashing, string backupDirectory, TimeProvider clock, Action<ulong, ulong>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hashing);
        var from = database.StoredFormatVersion;
        if (from == LedgerDatabase.FormatVersion)
        {
            return new FormatMigrationResult(from, 0, null);
        }

        if (from < LedgerDatabase.OldestMigratableFormatVersion)
        {
            throw new IncompatibleFormatVersionException(database.DataDirectory, from, LedgerDatabase.FormatVersion);
        }

        // The backup first: nothing is rewritten unless it was written and described completely.
        var backup = DatabaseBackup.Create(database, backupDirectory, genesisHash: null, clock);
        var store = new BlockStore(database, hashing);
        var tip = store.LatestHeight;
        ulong rewritten = 0;
        var height = BlockStore.FirstHeight;
        while (height <= tip)
        {
            using var batch = new WriteBatch();
            var staged = new List<(ulong Height, Core.Protocol.Block Block)>();
            long bytes = 0;
            for (; height <= tip && staged.Count < BlocksPerBatchMax && bytes < BatchBytesMax; height++)
            {
                if (!store.HasLegacyRecord(height))
                {
                    continue;
                }

                var before = store.GetBlock(height) ?? throw new StorageCorruptionException($"block {height} is below the tip {tip} yet missing", height);
                if (!store.StageLegacyBlockRewrite(batch, height))
                {
                    throw new InvalidOperationException($"block {height}'s whole-block record disappeared during the migration");
                }

                staged.Add((height, before));
                bytes += before.CalculateSize();
            }

            if (staged.Count > 0)
            {
                database.Write(batch, sync: true);
                foreach (var (stagedHeight, before) in staged)
                {
                    // Paired with the check on read: the block now reads from its per-transaction records, identical.
                    if (store.HasLegacyRecord(stagedHeight))
                    {
                        throw new InvalidOperationException($"block {stagedHeight} still has its whole-block record after the rewrite");
                    }

                    if (!Equals(store.GetBlock(stagedHeight), before))
                    {
                        throw new InvalidOperationException($"block {stagedHeight} reads back differently after the rewrite");
                    }
                }

                rewritten += (ulong)staged.Count;
            }

            progress?.Invoke(height - 1, tip);
        }

        database.StampCurrentFormatVersion();
        return new FormatMigrationResult(from, rewritten, backup);
    }
}
