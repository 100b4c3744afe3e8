namespace Ledger.Storage.Errors;

/// <summary>The data directory was written in an on-disk format this build does not read.</summary>
public sealed class IncompatibleFormatVersionException(string dataDirectory, uint storedVersion, uint supportedVersion)
    : StorageException($"data directory '{dataDirectory}' uses on-disk format version {storedVersion}; this build reads version {supportedVersion} and migrates versions {LedgerDatabase.OldestMigratableFormatVersion} and later (`Ledger.Node migrate`)")
{
    public string DataDirectory { get; } = dataDirectory;

    public uint StoredVersion { get; } = storedVersion;

    public uint SupportedVersion { get; } = supportedVersion;
}
