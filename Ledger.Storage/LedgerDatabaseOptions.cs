namespace Ledger.Storage;

/// <summary>How to open a ledger data directory.</summary>
public sealed class LedgerDatabaseOptions
{
    public const int ChainIdBytesMax = 256;

    public required string DataDirectory { get; init; }

    /// <summary>Recorded on first open; every later open must name the same chain.</summary>
    public required string ChainId { get; init; }

    /// <summary>fsync every write (Raft followers acknowledge only durable data). Off only for benchmarks and bulk loads.</summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>Shared RocksDB block cache for all column families.</summary>
    public ulong BlockCacheBytes { get; init; } = 256UL * 1024 * 1024;

    /// <summary>Memtable size per column family before it is flushed to an SST file.</summary>
    public ulong WriteBufferBytes { get; init; } = 64UL * 1024 * 1024;

    public int BackgroundThreads { get; init; } = 2;

    /// <summary>
    /// A directory whose table and blob files total at most this many bytes has every checksum verified
    /// at open (a read of all of them); a larger one relies on verified reads and the
    /// integrity scan, so a large node does not pay a full read at every restart.
    /// </summary>
    public ulong VerifyAtOpenBytesMax { get; init; } = DefaultVerifyAtOpenBytesMax;

    public const ulong DefaultVerifyAtOpenBytesMax = 256UL * 1024 * 1024;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("data directory must be set", nameof(DataDirectory));
        }

        if (string.IsNullOrEmpty(ChainId))
        {
            throw new ArgumentException("chain id must be set", nameof(ChainId));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(ChainId) > ChainIdBytesMax)
        {
            throw new ArgumentException($"chain id must be at most {ChainIdBytesMax} UTF-8 bytes", nameof(ChainId));
        }

        if (BlockCacheBytes < 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockCacheBytes), BlockCacheBytes, "block cache must be at least 1 MiB");
        }

        if (WriteBufferBytes < 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferBytes), WriteBufferBytes, "write buffer must be at least 1 MiB");
        }

        if (BackgroundThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(BackgroundThreads), BackgroundThreads, "background threads must be in 1..64");
        }
    }
}
