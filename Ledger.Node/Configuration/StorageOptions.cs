using Ledger.Storage;

namespace Ledger.Node.Configuration;

/// <summary>
/// RocksDB's memory and file bounds (<c>Node:Storage:*</c>). The node's native storage memory is at most
/// about <see cref="BlockCacheBytes"/> + <see cref="MemtableBudgetBytes"/> (plus table readers of at most
/// <see cref="OpenFilesMax"/> files, a few KiB each); see docs/storage.md, "Memory". Checked once at
/// start-up (<see cref="Validate"/>) against the bounds <see cref="LedgerDatabaseOptions"/> states.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Block cache shared by all column families, index and filter blocks included.</summary>
    public long BlockCacheBytes { get; set; } = (long)LedgerDatabaseOptions.DefaultBlockCacheBytes;

    /// <summary>All memtables of all column families together; past 7/8 of it the largest is flushed (see <see cref="LedgerDatabaseOptions.MemtableBudgetBytes"/>).</summary>
    public long MemtableBudgetBytes { get; set; } = (long)LedgerDatabaseOptions.DefaultMemtableBudgetBytes;

    /// <summary>One column family's memtable before it is flushed (at most <see cref="MemtableBudgetBytes"/>).</summary>
    public long WriteBufferBytes { get; set; } = (long)LedgerDatabaseOptions.DefaultWriteBufferBytes;

    /// <summary>Write-ahead log bytes kept before RocksDB flushes the families that hold the oldest log.</summary>
    public long WalBytesMax { get; set; } = (long)LedgerDatabaseOptions.DefaultWalBytesMax;

    /// <summary>Table files kept open at most (file descriptors and table-reader memory).</summary>
    public int OpenFilesMax { get; set; } = LedgerDatabaseOptions.DefaultOpenFilesMax;

    /// <summary>Whether registry_state keeps large values (batch item chunks) in blob files, out of compactions (see <see cref="LedgerDatabaseOptions.RegistryStateLargeValuesInBlobFiles"/>).</summary>
    public bool RegistryStateLargeValuesInBlobFiles { get; set; } = true;

    /// <summary>Threads one compaction job may split into (RocksDB max_subcompactions).</summary>
    public int SubcompactionsMax { get; set; } = LedgerDatabaseOptions.DefaultSubcompactionsMax;

    /// <summary>Target size of the level that level 0 compacts into (RocksDB max_bytes_for_level_base).</summary>
    public long LevelBaseBytes { get; set; } = (long)LedgerDatabaseOptions.DefaultLevelBaseBytes;

    /// <summary>Level-0 files of registry_state that start a compaction (see <see cref="LedgerDatabaseOptions.RegistryStateLevel0FilesCompactionTrigger"/>).</summary>
    public int RegistryStateLevel0FilesCompactionTrigger { get; set; } = LedgerDatabaseOptions.DefaultRegistryStateLevel0FilesCompactionTrigger;

    /// <summary>Size ratio between registry_state's levels (see <see cref="LedgerDatabaseOptions.RegistryStateLevelSizeMultiplier"/>).</summary>
    public int RegistryStateLevelSizeMultiplier { get; set; } = LedgerDatabaseOptions.DefaultRegistryStateLevelSizeMultiplier;

    /// <summary>CPU priority of RocksDB's compaction threads, Normal or Low (process-wide; see <see cref="LedgerDatabaseOptions.CompactionCpuPriority"/>).</summary>
    public CompactionCpuPriority CompactionCpuPriority { get; set; } = LedgerDatabaseOptions.DefaultCompactionCpuPriority;

    /// <summary>Fills the storage part of the database options; <paramref name="options"/> supplies the rest.</summary>
    public LedgerDatabaseOptions Apply(LedgerDatabaseOptions options) => options with
    {
        BlockCacheBytes = (ulong)BlockCacheBytes,
        MemtableBudgetBytes = (ulong)MemtableBudgetBytes,
        WriteBufferBytes = (ulong)WriteBufferBytes,
        WalBytesMax = (ulong)WalBytesMax,
        OpenFilesMax = OpenFilesMax,
        RegistryStateLargeValuesInBlobFiles = RegistryStateLargeValuesInBlobFiles,
        SubcompactionsMax = SubcompactionsMax,
        LevelBaseBytes = (ulong)LevelBaseBytes,
        RegistryStateLevel0FilesCompactionTrigger = RegistryStateLevel0FilesCompactionTrigger,
        RegistryStateLevelSizeMultiplier = RegistryStateLevelSizeMultiplier,
        CompactionCpuPriority = CompactionCpuPriority,
    };

    /// <summary>Throws, naming the <c>Node:Storage:*</c> setting, when a bound is out of range or the bounds disagree.</summary>
    public void Validate()
    {
        if (BlockCacheBytes < 0 || MemtableBudgetBytes < 0 || WriteBufferBytes < 0 || WalBytesMax < 0 || LevelBaseBytes < 0)
        {
            throw new InvalidOperationException("Node:Storage byte sizes must not be negative");
        }

        try
        {
            Apply(new LedgerDatabaseOptions { DataDirectory = "unused", ChainId = "unused" }).Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"Node:Storage:{e.ParamName}: {e.Message}", e);
        }
    }
}
