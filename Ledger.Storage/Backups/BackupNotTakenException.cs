using Ledger.Storage.Errors;

namespace Ledger.Storage.Backups;

/// <summary>The node's state was in a step no backup may capture (a snapshot install under way): nothing was kept; running the backup again later succeeds.</summary>
public sealed class BackupNotTakenException(string message) : StorageException(message);
