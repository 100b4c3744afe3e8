namespace Ledger.Storage.Errors;

/// <summary>
/// The data directory is stamped with an older on-disk format that this build migrates but never opens as it is: the
/// operator runs the migration (which takes a backup first). The host adds the exact command (<see cref="WithCommand"/>).
/// </summary>
public sealed class FormatMigrationRequiredException : StorageException
{
    public FormatMigrationRequiredException(string dataDirectory, uint storedVersion, string? command = null)
        : base($"data directory '{dataDirectory}' uses on-disk format version {storedVersion}; this build uses version {LedgerDatabase.FormatVersion} " +
               $"and does not upgrade a directory on its own. " +
               (command is null
                   ? "Migrate it first (a backup is taken before anything is rewritten)."
                   : $"Stop the node and migrate it (a backup is taken before anything is rewritten): {command}"))
    {
        DataDirectory = dataDirectory;
        StoredVersion = storedVersion;
        Command = command;
    }

    public string DataDirectory { get; }

    public uint StoredVersion { get; }

    /// <summary>The command that migrates the directory, as the host spells it; null when the host gave none.</summary>
    public string? Command { get; }

    /// <summary>The same refusal naming <paramref name="command"/>.</summary>
    public FormatMigrationRequiredException WithCommand(string command) => new(DataDirectory, StoredVersion, command);
}
