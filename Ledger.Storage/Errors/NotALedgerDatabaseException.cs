namespace Ledger.Storage.Errors;

/// <summary>A directory opened read-only holds no ledger database: no RocksDB CURRENT file, or a database without the ledger's identity records.</summary>
public sealed class NotALedgerDatabaseException(string dataDirectory, string detail)
    : StorageException($"'{dataDirectory}' holds no ledger database: {detail}")
{
    public string DataDirectory { get; } = dataDirectory;
}
