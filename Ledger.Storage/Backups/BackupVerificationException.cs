using Ledger.Storage.Errors;

namespace Ledger.Storage.Backups;

/// <summary>A backup that is not what its manifest says (a file missing, added, resized or changed) or whose manifest is malformed: nothing is restored from it.</summary>
public sealed class BackupVerificationException(string message) : StorageException(message);
