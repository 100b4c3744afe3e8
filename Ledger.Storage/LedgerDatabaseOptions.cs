namespace Ledger.Storage;

/// <summary>How to open a ledger data directory.</summary>
public sealed record LedgerDatabaseOptions
{
    public const int ChainIdBytesMax = 256;

    /// <summary>Largest genesis hash a directory records (a SHA-512 or smaller digest).</summary>
    public const int GenesisHashBytesMax = 64;

    public required string DataDirectory { get; init; }

    /// <summary>Recorded on first open; every later open must name the same chain.</summary>
    public required string ChainId { get; init; }

    /// <summary>
    /// The hash of the genesis file this node runs under (the node passes SHA-256 of its bytes). Recorded on
    /// first open, and on the first open of an older directory that has none yet
    /// (<see cref="LedgerDatabase.GenesisHashStampedOnExistingDirectory"/>); every later open must pass the same
    /// hash, or <see cref="Errors.GenesisMismatchException"/>: a chain id alone does not say the members,
    /// keys and nodes are the ones the data was written under. Null: not checked (tools, benchmarks, scratch copies).
    /// </summary>
    public byte[]? GenesisHash { get; init; }

    /// <summary>fsync every write (Raft followers acknowledge only durable data). Off only for benchmarks and bulk loads.</summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>
    /// Shared RocksDB block cache for all column families: data blocks, and the index and filter
    /// blocks of every table file (charged to the cache, not held beside it).
    /// </summary>
    public ulong BlockCacheBytes { get; init; } = DefaultBlockCacheBytes;

    /// <summary>
    /// All memtables of all column families together (active and immutable, RocksDB's
    /// WriteBufferManager): past 7/8 of it the largest memtable is flushed. Writes do not wait at the
    /// budget (RocksDB's allow_stall hung a single synced writer, see LedgerDatabase.Open); flushes that
    /// fall behind are held by RocksDB's own write stalls. Not charged to the block cache: RocksDB's memory is
    /// <see cref="BlockCacheBytes"/> + this + small table-reader and iterator overheads.
    /// </summary>
    public ulong MemtableBudgetBytes { get; init; } = DefaultMemtableBudgetBytes;

    /// <summary>Memtable size per column family before it is flushed to a table file (at most <see cref="MemtableBudgetBytes"/>).</summary>
    public ulong WriteBufferBytes { get; init; } = DefaultWriteBufferBytes;

    /// <summary>
    /// Write-ahead log bytes kept at most before RocksDB flushes the column families that hold the
    /// oldest log alive (the Raft hard state and meta families take small writes and rarely fill a
    /// memtable: without this bound they would pin every log file written since their last flush).
    /// </summary>
    public ulong WalBytesMax { get; init; } = DefaultWalBytesMax;

    /// <summary>
    /// Table files RocksDB keeps open at most (its table cache): bounds file descriptors and the
    /// table readers' memory as the store grows. Index and filter blocks live in the block cache either way.
    /// </summary>
    public int OpenFilesMax { get; init; } = DefaultOpenFilesMax;

    public int BackgroundThreads { get; init; } = 2;

    /// <summary>
    /// CPU priority of RocksDB's compaction threads (the LOW pool; flushes, in the HIGH pool, keep the normal
    /// priority: a starved flush stops writes). <see cref="Ledger.Storage.CompactionCpuPriority.Low"/> (the default) runs
    /// them at nice 19, so foreground reads and writes come first and compactions take the idle CPU; when they
    /// fall behind, RocksDB's write controller (level-0 file and pending-compaction slowdown and stop triggers)
    /// slows writes until they catch up, which is the price of keeping reads fast (docs/storage.md, "Compaction").
    /// <para>
    /// Process-wide and one-way: the pools belong to RocksDB's default environment, which every database in the
    /// process shares, and RocksDB only ever lowers a pool's priority. The first open with <c>Low</c> lowers
    /// compactions for every database in the process until it exits; <c>Normal</c> leaves the environment as
    /// it finds it.
    /// </para>
    /// </summary>
    public CompactionCpuPriority CompactionCpuPriority { get; init; } = DefaultCompactionCpuPriority;

    /// <summary>
    /// Whether <c>registry_state</c> keeps its large values (a batch's item chunks, ~13 KB each, about
    /// 40 % of its bytes) in blob files written once at flush, so that compactions rewrite only the
    /// content-hash index and small records (docs/storage.md, "Compaction"). Off reproduces the layout
    /// before issue #18 (every value inline in the table files); either way existing files still read.
    /// </summary>
    public bool RegistryStateLargeValuesInBlobFiles { get; init; } = true;

    /// <summary>
    /// Threads one compaction job may split into (RocksDB max_subcompactions): a level-0 to base-level
    /// compaction otherwise runs on one thread while level-0 files pile up behind it.
    /// </summary>
    public int SubcompactionsMax { get; init; } = DefaultSubcompactionsMax;

    /// <summary>
    /// Target size of the level that level 0 compacts into (RocksDB max_bytes_for_level_base; levels
    /// below it are sized dynamically from the last level). Larger: fewer levels above the last one.
    /// </summary>
    public ulong LevelBaseBytes { get; init; } = DefaultLevelBaseBytes;

    /// <summary>
    /// Target size of one table file written by a compaction (RocksDB target_file_size_base, every family;
    /// RocksDB's 64 MiB). Measurement only: rocksingest's --scale-down shrinks it with the other sizes.
    /// </summary>
    internal ulong TableFileBytes { get; init; } = DefaultTableFileBytes;

    /// <summary>
    /// Level-0 files of <c>registry_state</c> that start a compaction into the base level (RocksDB
    /// level0_file_num_compaction_trigger). Its content-hash keys are random, so every level-0 file
    /// spans the whole key range and each such compaction rewrites the whole base level: more files
    /// per compaction, fewer rewrites of it per item (docs/storage.md, "Compaction").
    /// </summary>
    public int RegistryStateLevel0FilesCompactionTrigger { get; init; } = DefaultRegistryStateLevel0FilesCompactionTrigger;

    /// <summary>
    /// How much larger each level of <c>registry_state</c> is than the one above it (RocksDB
    /// max_bytes_for_level_multiplier). Each entry is rewritten about once per level it passes and,
    /// with random keys, each move into a level rewrites about this many bytes of it per byte moved:
    /// a smaller ratio means more, cheaper levels. The family's entries are never overwritten, so the
    /// upper levels hold no stale copies and bytes on disk do not grow with more levels
    /// (docs/storage.md, "Compaction").
    /// </summary>
    public int RegistryStateLevelSizeMultiplier { get; init; } = DefaultRegistryStateLevelSizeMultiplier;

    /// <summary>
    /// Measurement only (Ledger.Bench rocksingest): <c>registry_state</c> under RocksDB's universal
    /// compaction instead of leveled. Not offered as a setting: a directory's existing levels are not
    /// migrated, and a full merge needs the family's size again in free space (docs/storage.md, "Compaction").
    /// </summary>
    internal bool RegistryStateUniversalCompaction { get; init; }

    /// <summary>
    /// Measurement only (rocksingest "raw-upper"): whether <c>registry_state</c>'s levels above the
    /// bottommost are LZ4-compressed (the bottommost keeps <see cref="RegistryStateBottommostCompression"/> either way). Off was measured and not
    /// taken: LZ4 still shrinks recent files (one batch's work ids repeat among neighbouring keys),
    /// and CPU per item did not fall measurably (docs/storage.md, "Compaction").
    /// </summary>
    internal bool RegistryStateUpperLevelsCompressed { get; init; } = DefaultRegistryStateUpperLevelsCompressed;

    /// <summary>
    /// Measurement only (rocksingest "bottom-*" profiles): the compression of <c>registry_state</c>'s bottommost
    /// level; null (production) is <see cref="RegistryStateBottommostCompression"/>'s rule. Every table file
    /// records its own compression, so any value reads any directory (docs/storage.md, "Compaction").
    /// </summary>
    internal RocksDbSharp.Compression? RegistryStateBottommostCompressionOverride { get; init; }

    /// <summary>
    /// The compression of <c>registry_state</c>'s bottommost level. With the item chunks in blob files the level
    /// holds the content-hash index (random 34-byte keys, 36-byte work ids whose transaction hash rarely repeats
    /// within a block), which ZSTD shrinks by 0.1 B/item more than LZ4 for about a fifth of the compaction
    /// threads' CPU: LZ4. With the chunks inline (<see cref="RegistryStateLargeValuesInBlobFiles"/> off) the level
    /// holds them too, and LZ4 would store ~10 B/item more: ZSTD, as before (docs/storage.md, "Compaction").
    /// </summary>
    internal RocksDbSharp.Compression RegistryStateBottommostCompression =>
        RegistryStateBottommostCompressionOverride ?? (RegistryStateLargeValuesInBlobFiles ? RocksDbSharp.Compression.Lz4 : RocksDbSharp.Compression.Zstd);

    /// <summary>
    /// A directory whose table and blob files total at most this many bytes has every checksum verified
    /// at open (a read of all of them); a larger one relies on verified reads and the
    /// integrity scan, so a large node does not pay a full read at every restart.
    /// </summary>
    public ulong VerifyAtOpenBytesMax { get; init; } = DefaultVerifyAtOpenBytesMax;

    /// <summary>
    /// The lowest incarnation this open may take (<see cref="LedgerDatabase.Incarnation"/> is
    /// max(stored + 1, this)). The host passes its clock in Unix milliseconds: a counter kept only in the
    /// directory repeats itself when the directory is replaced (a restored backup, a damaged directory
    /// moved aside for an empty one), and peers would take the new run for the old one. 0 = counter only.
    /// </summary>
    public ulong IncarnationFloor { get; init; }

    /// <summary>
    /// Open a directory of an older format this build can migrate (<see cref="LedgerDatabase.OldestMigratableFormatVersion"/>)
    /// as it is, without restamping it, for <see cref="Migration.FormatMigration"/>. Off (every node start): such a
    /// directory is refused with <see cref="Errors.FormatMigrationRequiredException"/>, which names the command to run.
    /// </summary>
    public bool OpenOlderFormatForMigration { get; init; }

    public const ulong DefaultVerifyAtOpenBytesMax = 256UL * 1024 * 1024;

    public const ulong DefaultBlockCacheBytes = 256UL * 1024 * 1024;
    public const ulong DefaultMemtableBudgetBytes = 256UL * 1024 * 1024;
    public const ulong DefaultWriteBufferBytes = 64UL * 1024 * 1024;
    public const ulong DefaultWalBytesMax = 256UL * 1024 * 1024;
    public const int DefaultOpenFilesMax = 1024;
    public const int DefaultSubcompactionsMax = 1;
    public const ulong DefaultLevelBaseBytes = 256UL * 1024 * 1024;
    public const ulong DefaultTableFileBytes = 64UL * 1024 * 1024;
    public const ulong TableFileBytesMin = 1024 * 1024;
    public const ulong TableFileBytesMaxLimit = 4UL * 1024 * 1024 * 1024;
    public const int DefaultRegistryStateLevel0FilesCompactionTrigger = 8;
    public const CompactionCpuPriority DefaultCompactionCpuPriority = CompactionCpuPriority.Low;
    public const int DefaultRegistryStateLevelSizeMultiplier = 10;

    /// <summary>Level size ratios accepted: below 2 every level is as large as the next; above 20 the base level is rewritten on every move.</summary>
    public const int RegistryStateLevelSizeMultiplierMin = 2;
    public const int RegistryStateLevelSizeMultiplierMax = 20;
    public const bool DefaultRegistryStateUpperLevelsCompressed = true;

    /// <summary>
    /// Most level-0 files that may start a <c>registry_state</c> compaction: RocksDB slows writes at 20
    /// level-0 files and stops them at 36, and the trigger must stay well below the slowdown.
    /// </summary>
    public const int RegistryStateLevel0FilesCompactionTriggerMax = 16;

    /// <summary>Most background threads (flushes and compactions together) and most subcompactions of one job.</summary>
    public const int BackgroundThreadsMaxLimit = 64;

    /// <summary>Smallest base-level target: below a few write buffers, every flush cascades through the levels.</summary>
    public const ulong LevelBaseBytesMin = 16UL * 1024 * 1024;

    /// <summary>Largest base-level target: beyond it level 0 compacts into a level as large as the store.</summary>
    public const ulong LevelBaseBytesMaxLimit = 64UL * 1024 * 1024 * 1024;

    /// <summary>Smallest block cache, memtable budget and write buffer: below this RocksDB flushes or evicts on every few writes.</summary>
    public const ulong MemoryBytesMin = 1024 * 1024;

    /// <summary>Largest block cache or memtable budget accepted: a typo (an extra digit) fails at start-up instead of at the first large allocation.</summary>
    public const ulong MemoryBytesMax = 1024UL * 1024 * 1024 * 1024;

    /// <summary>Smallest WAL bound: at least one write buffer, or every flush would be forced by the WAL.</summary>
    public const ulong WalBytesMin = 4UL * 1024 * 1024;

    public const ulong WalBytesMaxLimit = 1024UL * 1024 * 1024 * 1024;

    /// <summary>Fewest open table files: below this a large store reopens files on most reads.</summary>
    public const int OpenFilesMin = 64;

    public const int OpenFilesMaxLimit = 1_000_000;

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

        if (GenesisHash is { Length: 0 or > GenesisHashBytesMax })
        {
            throw new ArgumentException($"genesis hash must be 1..{GenesisHashBytesMax} bytes, was {GenesisHash.Length}", nameof(GenesisHash));
        }

        CheckMemory(nameof(BlockCacheBytes), BlockCacheBytes);
        CheckMemory(nameof(MemtableBudgetBytes), MemtableBudgetBytes);
        CheckMemory(nameof(WriteBufferBytes), WriteBufferBytes);
        if (WriteBufferBytes > MemtableBudgetBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferBytes), WriteBufferBytes, $"one column family's write buffer must fit in the memtable budget ({MemtableBudgetBytes} bytes)");
        }

        if (WalBytesMax is < WalBytesMin or > WalBytesMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(WalBytesMax), WalBytesMax, $"WAL bound must be within {WalBytesMin}..{WalBytesMaxLimit} bytes (4 MiB..1 TiB)");
        }

        if (WalBytesMax < WriteBufferBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(WalBytesMax), WalBytesMax, $"WAL bound must hold at least one write buffer ({WriteBufferBytes} bytes)");
        }

        if (OpenFilesMax is < OpenFilesMin or > OpenFilesMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(OpenFilesMax), OpenFilesMax, $"open table files must be within {OpenFilesMin}..{OpenFilesMaxLimit}");
        }

        if (BackgroundThreads is < 1 or > BackgroundThreadsMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(BackgroundThreads), BackgroundThreads, $"background threads must be within 1..{BackgroundThreadsMaxLimit}");
        }

        if (!Enum.IsDefined(CompactionCpuPriority))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionCpuPriority), CompactionCpuPriority, $"compaction CPU priority must be {nameof(CompactionCpuPriority.Normal)} or {nameof(CompactionCpuPriority.Low)}");
        }

        if (SubcompactionsMax is < 1 or > BackgroundThreadsMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(SubcompactionsMax), SubcompactionsMax, $"subcompactions must be within 1..{BackgroundThreadsMaxLimit}");
        }

        if (LevelBaseBytes is < LevelBaseBytesMin or > LevelBaseBytesMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(LevelBaseBytes), LevelBaseBytes, $"base level target must be within {LevelBaseBytesMin}..{LevelBaseBytesMaxLimit} bytes (16 MiB..64 GiB)");
        }

        if (TableFileBytes is < TableFileBytesMin or > TableFileBytesMaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(TableFileBytes), TableFileBytes, $"table file target must be within {TableFileBytesMin}..{TableFileBytesMaxLimit} bytes (1 MiB..4 GiB)");
        }

        if (RegistryStateLevelSizeMultiplier is < RegistryStateLevelSizeMultiplierMin or > RegistryStateLevelSizeMultiplierMax)
        {
            throw new ArgumentOutOfRangeException(nameof(RegistryStateLevelSizeMultiplier), RegistryStateLevelSizeMultiplier, $"registry_state level size ratio must be within {RegistryStateLevelSizeMultiplierMin}..{RegistryStateLevelSizeMultiplierMax}");
        }

        if (RegistryStateLevel0FilesCompactionTrigger is < 1 or > RegistryStateLevel0FilesCompactionTriggerMax)
        {
            throw new ArgumentOutOfRangeException(nameof(RegistryStateLevel0FilesCompactionTrigger), RegistryStateLevel0FilesCompactionTrigger, $"registry_state level-0 compaction trigger must be within 1..{RegistryStateLevel0FilesCompactionTriggerMax} files");
        }
    }

    private static void CheckMemory(string name, ulong bytes)
    {
        if (bytes is < MemoryBytesMin or > MemoryBytesMax)
        {
            throw new ArgumentOutOfRangeException(name, bytes, $"{name} must be within {MemoryBytesMin}..{MemoryBytesMax} (1 MiB..1 TiB)");
        }
    }
}
