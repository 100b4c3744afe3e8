namespace Ledger.Storage.Errors;

/// <summary>Another process (or another open instance in this one) holds the data directory's RocksDB LOCK.</summary>
public sealed class DataDirectoryLockedException(string dataDirectory, Exception innerException)
    : StorageException($"data directory '{dataDirectory}' is locked by another process or open instance; stop it or choose another directory ({innerException.Message})", innerException)
{
    public string DataDirectory { get; } = dataDirectory;
}
