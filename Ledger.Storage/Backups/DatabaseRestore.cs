using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Backups;

/// <summary>
/// Restores a verified backup (<see cref="BackupVerifier"/>) into a new database directory: each file is copied, hashed
/// as it is written and fsynced into a temporary sibling directory, which is renamed into place only once every copy
/// matched its manifest; the result is then opened read-only and must show the manifest's chain, applied index and
/// head. A node started on it recovers what it acknowledged after the backup from its peers (docs/node-recovery.md).
/// </summary>
public static class DatabaseRestore
{
    /// <summary>Suffix of the directory a restore fills before renaming it into place.</summary>
    public const string InProgressSuffix = ".restoring";

    /// <param name="targetDatabaseDirectory">The database directory to create (a node's <c>DATA/db</c>): absent or empty.</param>
    /// <param name="expectedChainId">When set, a backup of another chain is refused before anything is copied.</param>
    public static BackupManifest Restore(string backupDirectory, string targetDatabaseDirectory, string? expectedChainId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backupDirectory);
        ArgumentNullException.ThrowIfNull(targetDatabaseDirectory);
        var target = Path.GetFullPath(targetDatabaseDirectory);
        if (!BackupFiles.IsAbsentOrEmpty(target))
        {
            throw new IOException($"restore target '{target}' exists and is not empty: restore into a new data directory");
        }

        var manifest = BackupVerifier.Verify(backupDirectory, cancellationToken);
        if (expectedChainId is not null && !string.Equals(manifest.ChainId, expectedChainId, StringComparison.Ordinal))
        {
            throw new ChainIdMismatchException(Path.GetFullPath(backupDirectory), manifest.ChainId, expectedChainId);
        }

        var source = Path.Combine(Path.GetFullPath(backupDirectory), BackupManifest.DatabaseDirectoryName);
        var staging = target.TrimEnd(Path.DirectorySeparatorChar) + InProgressSuffix;
        if (Directory.Exists(staging))
        {
            // What an interrupted restore left: never used, since only the rename below publishes a restore.
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        foreach (var file in manifest.Files)
        {
            var (sha, size) = BackupFiles.CopyAndHash(Path.Combine(source, file.Name), Path.Combine(staging, file.Name), cancellationToken);
            if (size != file.SizeBytes || !string.Equals(sha, file.Sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                Directory.Delete(staging, recursive: true);
                throw new BackupVerificationException($"backup file '{Path.Combine(source, file.Name)}' changed while it was restored (now {size} bytes, SHA-256 {sha}; its manifest says {file.SizeBytes}, {file.Sha256Hex})");
            }
        }

        BackupFiles.SyncDirectory(staging);
        try
        {
            CheckOpens(staging, manifest);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(staging, target);
        BackupFiles.SyncDirectory(Path.GetDirectoryName(target)!);
        return manifest;
    }

    /// <summary>The restored files open as a database of the manifest's chain, at its applied index and head.</summary>
    private static void CheckOpens(string directory, BackupManifest manifest)
    {
        using var database = LedgerDatabase.OpenReadOnly(directory, manifest.ChainId);
        var read = new ReadOptions().SetVerifyChecksums(true);
        var applied = Snapshots.StateSnapshotExporter.ReadU64(database.Rocks, database.Meta, MetaKeys.AppliedRaftIndex, read);
        var height = Snapshots.StateSnapshotExporter.ReadU64(database.Rocks, database.Meta, MetaKeys.LatestHeight, read);
        if (applied != manifest.AppliedRaftIndex || height != manifest.Height || database.StoredFormatVersion != manifest.StorageFormatVersion)
        {
            throw new BackupVerificationException(
                $"the restored database is at applied index {applied}, height {height}, format {database.StoredFormatVersion}; its manifest says {manifest.AppliedRaftIndex}, {manifest.Height}, {manifest.StorageFormatVersion}");
        }
    }
}
