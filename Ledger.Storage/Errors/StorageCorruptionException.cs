namespace Ledger.Storage.Errors;

/// <summary>
/// Stored data failed a check: a RocksDB checksum, a missing or malformed record, or a broken
/// invariant between records. The node must stop; nothing read from it can be trusted.
/// </summary>
public class StorageCorruptionException : StorageException
{
    public StorageCorruptionException(string message, ulong? height = null)
        : base(message) => Height = height;

    public StorageCorruptionException(string message, Exception? innerException, ulong? height = null)
        : base(message, innerException) => Height = height;

    /// <summary>The block height being read when the corruption was found, when known.</summary>
    public ulong? Height { get; }
}
