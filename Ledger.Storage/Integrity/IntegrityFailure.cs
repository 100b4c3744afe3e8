namespace Ledger.Storage.Integrity;

/// <summary>Why the integrity scan stopped at a height.</summary>
public enum IntegrityFailure
{
    /// <summary>RocksDB reported corruption (checksum mismatch, unreadable file) while reading this height.</summary>
    StorageCorruption = 1,
    MissingRecord,
    MalformedRecord,
    HeightMismatch,
    ChainIdMismatch,
    HeaderRecordMismatch,
    BlockHashMismatch,
    BrokenLink,
    TransactionCountMismatch,
    TransactionRootMismatch,
    LogSizeMismatch,
    LogRootMismatch,
    StoredLogTreeMismatch,
    TransactionIndexMismatch,
    RecordBeyondLatestHeight,
}
