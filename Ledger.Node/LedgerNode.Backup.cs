using Ledger.Node.Admin;
using Ledger.Storage.Backups;

namespace Ledger.Node;

public sealed partial class LedgerNode
{
    // One backup at a time: each flushes the memtables and reads every file once to hash it.
    private readonly SemaphoreSlim backupRunning = new(1, 1);

    /// <summary>
    /// Writes an online backup of this node's database into <paramref name="directory"/> (absent or empty) while the node
    /// keeps applying: a RocksDB checkpoint at one applied index and its manifest (<see cref="DatabaseBackup"/>).
    /// Throws <see cref="BackupAlreadyRunningException"/> while another backup runs.
    /// </summary>
    public async Task<BackupManifest> BackupAsync(string directory, CancellationToken cancellationToken)
    {
        if (!await backupRunning.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            throw new BackupAlreadyRunningException();
        }

        try
        {
            // Off the caller's thread: the checkpoint's flush and the hashing are blocking file work.
            var manifest = await Task.Run(() => DatabaseBackup.Create(database, directory, Chain.GenesisHash, TimeProvider.System, cancellationToken), cancellationToken).ConfigureAwait(false);
            LogBackupWritten(logger, directory, manifest.Height, manifest.AppliedRaftIndex, manifest.Files.Count, manifest.TotalBytes);
            return manifest;
        }
        finally
        {
            backupRunning.Release();
        }
    }

    [LoggerMessage(EventId = 6801, Level = LogLevel.Information, Message = "Backup written to {Directory}: height {Height}, applied index {AppliedIndex}, {FileCount} files, {TotalBytes} bytes")]
    private static partial void LogBackupWritten(ILogger logger, string directory, ulong height, ulong appliedIndex, int fileCount, long totalBytes);
}
