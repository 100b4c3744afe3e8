using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Ledger.Storage.Damage;
using Ledger.Storage.Errors;
using Ledger.Storage.Snapshots;
using RocksDbSharp;

namespace Ledger.Storage;

/// <summary>
/// One ledger data directory: a RocksDB instance with the column families of
/// <see cref="ColumnFamilyNames"/>, stamped on first open with the chain id and the on-disk format
/// version and checked against both on every later open. Reads verify block checksums and the
/// database runs with paranoid checks, so corruption surfaces as <see cref="StorageCorruptionException"/>
/// instead of a wrong answer. Thread-safe for concurrent reads and writes (RocksDB is); stores built
/// on it define their own writer discipline.
/// </summary>
public sealed partial class LedgerDatabase : IDisposable
{
    /// <summary>On-disk format written by this build. Bump it whenever a key or value layout changes.</summary>
    /// Version 2: registry state-root element expansion changed from SHAKE128 to SHA-256 + AES-128-CTR.
    /// Version 3: BatchRegister items' work records moved to the uncommitted BatchWork space (0x47);
    /// each batch commits one BatchCommitment entry (0x14: item root, count, acceptance bitmap).
    /// Version 4: batch items are no longer stored one record each: one content-hash entry per
    /// accepted item, the batch's shared fields and item chunks (BatchItems, 0x48) and one owner
    /// entry per batch; 0x47 is retired.
    /// Version 5: every Raft record (log entries, hard state, log start, membership, snapshot) starts
    /// with a CRC-32C of the rest, and a log entry carries its own index (RaftRecordEncoding).
    /// Version 6: the Raft hard state also records recovery (reason, target) and the acknowledged watermarks.
    /// Version 7: a block's body is one record per transaction and result (BlockKeys.Transaction, 'C'), no
    /// longer one whole-block record ('B'), so a lookup by hash reads one transaction, not its block.
    /// Within version 7 (no bump: optional in both directions): a transaction whose record is at least 4 KB also has a
    /// result record ('R', ResultRecord) that inclusion proofs read instead; blocks written before have none and are
    /// read whole, and a build that does not know them never reads them.
    /// Version 8: a batch item's content-hash index entry (0x40) may hold a 9-byte compact value (batch ordinal and item
    /// index) resolved through the batch-ordinal space (0x49), and the similarity index has its own family. Nothing a
    /// version 7 directory holds changes meaning (36-byte work ids are still read), so migrating 7 to 8 backs up and
    /// restamps; a version 7 build must not open a version 8 directory: it would read a compact value as a work id.
    public const uint FormatVersion = 8;

    /// <summary>
    /// The oldest format this build migrates (<see cref="Migration.FormatMigration"/>, run by <c>Ledger.Node migrate</c>); a node
    /// start refuses such a directory with the command to run (<see cref="FormatMigrationRequiredException"/>) and never
    /// upgrades it on its own. Version 6 differs from 7 only in its blocks' records: one whole-block record per block, which
    /// the migration rewrites as one record per transaction; 7 differs from 8 in nothing it holds (the migration restamps).
    /// </summary>
    public const uint OldestMigratableFormatVersion = 6;

    /// <summary>What an operator does about a data directory damaged on local disk, said once for every message that names such damage.</summary>
    public const string CorruptDirectoryRecovery = "stop the node, move its data directory away, and restart it to resync from its peers";

    private readonly RocksDb _rocks;
    private readonly WriteOptions _writeOptions;
    private readonly ReadOptions _readOptions;

    // Background whole-store reads (the integrity scan): checksums verified, and the blocks they read
    // are not kept in the block cache, so a pass over cold data does not evict what serving reads.
    private readonly ReadOptions _scanReadOptions;
    private bool _disposed;
    private readonly byte[]? genesisHash;

    // Kept for the statistics (StorageStatistics): the options own the statistics object that counts write stalls.
    private readonly DbOptions _dbOptions;
    private readonly Cache _blockCache;

    /// <summary>RocksDB's StatsLevel kExceptHistogramOrTimers (C API value 1): tickers are counted, histograms and timers are not.</summary>
    private const int StatisticsLevelTickersOnly = 1;

    private LedgerDatabase(LedgerDatabaseOptions options, string path, RocksDb rocks, DbOptions dbOptions, Cache blockCache)
    {
        _dbOptions = dbOptions;
        _blockCache = blockCache;
        DataDirectory = path;
        ChainId = options.ChainId;
        genesisHash = options.GenesisHash;
        SyncWrites = options.SyncWrites;
        _rocks = rocks;
        _writeOptions = new WriteOptions().SetSync(options.SyncWrites);
        _readOptions = new ReadOptions().SetVerifyChecksums(true);
        _scanReadOptions = new ReadOptions().SetVerifyChecksums(true).SetFillCache(false);
        Blocks = rocks.GetColumnFamily(ColumnFamilyNames.Blocks);
        TransactionIndex = rocks.GetColumnFamily(ColumnFamilyNames.TransactionIndex);
        MerkleNodes = rocks.GetColumnFamily(ColumnFamilyNames.MerkleNodes);
        RegistryState = rocks.GetColumnFamily(ColumnFamilyNames.RegistryState);
        RaftLog = rocks.GetColumnFamily(ColumnFamilyNames.RaftLog);
        RaftState = rocks.GetColumnFamily(ColumnFamilyNames.RaftState);
        Meta = rocks.GetColumnFamily(ColumnFamilyNames.Meta);
    }

    public string DataDirectory { get; }

    public string ChainId { get; }

    /// <summary>
    /// The format version stamped in the directory: <see cref="FormatVersion"/>, or an older one only when opened with
    /// <see cref="LedgerDatabaseOptions.OpenOlderFormatForMigration"/>.
    /// </summary>
    public uint StoredFormatVersion { get; private set; } = FormatVersion;

    /// <summary>
    /// True when this open recorded the genesis hash in a directory that had a chain id but no genesis hash
    /// (written by a build before the hash was recorded): from now on it is bound to that genesis.
    /// </summary>
    public bool GenesisHashStampedOnExistingDirectory { get; private set; }


    public bool SyncWrites { get; }

    public ColumnFamilyHandle Blocks { get; }

    public ColumnFamilyHandle TransactionIndex { get; }

    public ColumnFamilyHandle MerkleNodes { get; }

    public ColumnFamilyHandle RegistryState { get; }

    public ColumnFamilyHandle RaftLog { get; }

    public ColumnFamilyHandle RaftState { get; }

    public ColumnFamilyHandle Meta { get; }

    /// <summary>
    /// Opens (creating if needed) the data directory. Throws <see cref="DataDirectoryLockedException"/> when
    /// another process or instance has it open, <see cref="ChainIdMismatchException"/> when it belongs to
    /// another chain, <see cref="IncompatibleFormatVersionException"/> when its format is not ours, and
    /// <see cref="StorageCorruptionException"/> when RocksDB finds corruption while opening.
    /// </summary>
    public static LedgerDatabase Open(LedgerDatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var path = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(path);
        // Read before RocksDB creates it: an existing database must come back with its identity (CheckOrStampIdentity).
        var existingManifest = CurrentManifest(path);

        var (dbOptions, columnFamilies, blockCache) = Configure(options);
        SetCompactionCpuPriority(options.CompactionCpuPriority);
        RocksDb rocks;
        try
        {
            rocks = RocksDb.Open(dbOptions, path, columnFamilies);
        }
        catch (RocksDbException e) when (IsLockError(e))
        {
            throw new DataDirectoryLockedException(path, e);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw OpenDamage(path, e);
        }

        var database = new LedgerDatabase(options, path, rocks, dbOptions, blockCache);
        try
        {
            database.CheckOrStampIdentity(existingManifest, options.OpenOlderFormatForMigration);
            database.ThrowIfDamageRecorded();
            database.ChecksumsVerifiedAtOpen = database.VerifyChecksumsIfSmall(options.VerifyAtOpenBytesMax);
            database.Incarnation = database.BumpIncarnation(options.IncarnationFloor);
        }
        catch
        {
            database.Dispose();
            throw;
        }

        return database;
    }

    /// <summary>The RocksDB options and column families every open of a ledger directory uses (read-write or read-only).</summary>
    private static (DbOptions DbOptions, ColumnFamilies ColumnFamilies, Cache BlockCache) Configure(LedgerDatabaseOptions options)
    {
        var blockCache = Cache.CreateLru(options.BlockCacheBytes);
        // Past 7/8 of the budget a write switches the oldest memtable to a flush. No allow_stall: with it a
        // single synced writer deadlocked waiting for a flush (StorageStatisticsTests); flushes falling behind
        // are still held by RocksDB's own stalls (at most MaxWriteBufferNumber memtables per family).
        var memtableBudget = Native.Instance.rocksdb_write_buffer_manager_create(checked((UIntPtr)options.MemtableBudgetBytes), 0);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetParanoidChecks(true)
            // RocksDB's default (point in time) replays the WAL up to its first bad record and drops
            // the rest without an error: a flipped byte would make a node silently forget Raft votes
            // and entries it acknowledged. Tolerating a corrupted tail is not enough either: a tail
            // cut on disk (a lost last write, a truncated copy) looks exactly like a record torn by a
            // crash, and the cut write may have been an acknowledged Raft entry or vote. So every
            // WAL defect fails the open (absolute consistency). The price: a node killed in the middle
            // of writing one large record refuses its WAL and resyncs from its peers (or, alone,
            // asks for a restore) instead of guessing that the torn record was never acknowledged.
            .SetWalRecoveryMode(Recovery.AbsoluteConsistency)
            .IncreaseParallelism(options.BackgroundThreads)
            .SetKeepLogFileNum(4)
            .SetMaxTotalWalSize(options.WalBytesMax)
            .SetMaxOpenFiles(options.OpenFilesMax);
        Native.Instance.rocksdb_options_set_max_subcompactions(dbOptions.Handle, checked((uint)options.SubcompactionsMax));
        Native.Instance.rocksdb_options_set_write_buffer_manager(dbOptions.Handle, memtableBudget);
        // The options now share ownership of the manager (and the open database will): our handle is not needed.
        Native.Instance.rocksdb_write_buffer_manager_destroy(memtableBudget);
        // Tickers only (no histograms or timers): the write-stall time of the metrics (StorageStatistics) at a few counter increments per write.
        dbOptions.EnableStatistics();
        Native.Instance.rocksdb_options_set_statistics_level(dbOptions.Handle, StatisticsLevelTickersOnly);
        var columnFamilies = new ColumnFamilies(ColumnFamilyOptions(options, blockCache, compress: true, bloomFilter: false));
        foreach (var name in ColumnFamilyNames.All)
        {
            // Merkle hashes, transaction hashes (the tx index's keys) and the signatures and content
            // hashes that fill blocks and Raft entries are incompressible: LZ4 over them in flushes
            // and compactions is pure cost (~5 % of a follower's CPU during large batches). Reads
            // are point lookups, so every family gets a bloom filter that lets a Get skip the SST
            // files that cannot hold the key.
            var compress = name is not (ColumnFamilyNames.MerkleNodes or ColumnFamilyNames.TransactionIndex or ColumnFamilyNames.Blocks or ColumnFamilyNames.RaftLog);
            var familyOptions = ColumnFamilyOptions(options, blockCache, compress, bloomFilter: true);
            if (name is ColumnFamilyNames.Blocks or ColumnFamilyNames.RaftLog)
            {
                SeparateLargeValues(familyOptions, collectGarbage: name == ColumnFamilyNames.RaftLog, compressBlobs: name == ColumnFamilyNames.Blocks);
            }
            else if (name == ColumnFamilyNames.RegistryState && options.RegistryStateLargeValuesInBlobFiles)
            {
                // A batch's item chunks are written once and never change: out of the LSM tree, compactions
                // rewrite only the content-hash index and small records (docs/storage.md, "Compaction").
                SeparateLargeValues(familyOptions, collectGarbage: false, compressBlobs: true);
            }

            if (name == ColumnFamilyNames.RaftLog)
            {
                // The log is cut from the front by range deletions; its blob files are dropped only once a
                // compaction has passed the tombstone over the references to them. Its table files hold
                // only keys and blob references (a few KB per flush), so compacting at every flush is cheap
                // and keeps the retained log's disk bytes near Node:Raft:CompactionRetainBytes instead of
                // waiting for four level-0 files.
                familyOptions.SetLevel0FileNumCompactionTrigger(RaftLogLevel0CompactionTrigger);
            }

            if (name == ColumnFamilyNames.Blocks)
            {
                CompressBottommostWithZstd(familyOptions);
            }

            if (name == ColumnFamilyNames.RegistryState)
            {
                // LZ4 while the item chunks are in blob files (the content-hash index left at the bottom barely
                // compresses, and ZSTD cost a fifth of the compaction threads' CPU), ZSTD while they are inline.
                Native.Instance.rocksdb_options_set_bottommost_compression(familyOptions.Handle, (int)options.RegistryStateBottommostCompression);
                OptimizeForAbsentKeyReads(familyOptions);
                InsertWithKeySpaceHints(familyOptions);
                familyOptions.SetLevel0FileNumCompactionTrigger(options.RegistryStateLevel0FilesCompactionTrigger);
                familyOptions.SetMaxBytesForLevelMultiplier(options.RegistryStateLevelSizeMultiplier);
                if (options.RegistryStateUniversalCompaction)
                {
                    familyOptions.SetCompactionStyle(Compaction.Universal);
                }
                if (!options.RegistryStateUpperLevelsCompressed)
                {
                    // Random hashes do not compress; the bottommost level keeps its own setting (above).
                    familyOptions.SetCompression(Compression.No);
                }
            }
            else if (name == ColumnFamilyNames.TransactionIndex)
            {
                // Every block asks, per transaction, whether its hash is already indexed — almost
                // always not: without the filter each miss walks the memtable's skip list (5 % of a
                // follower's CPU in a profile).
                OptimizeForAbsentKeyReads(familyOptions);
            }

            columnFamilies.Add(name, familyOptions);
        }

        // Derived, so not in ColumnFamilyNames.All: read-only opens (backups, audits) never need it.
        columnFamilies.Add(ColumnFamilyNames.SimilarityIndex, SimilarityIndexFamilyOptions(options, blockCache));
        return (dbOptions, columnFamilies, blockCache);
    }

    /// <summary>
    /// Lowers the CPU priority of RocksDB's compaction pool (LOW) when asked; the flush pool (HIGH) is left
    /// alone. Both pools belong to RocksDB's default environment, shared by every database in the process
    /// (IncreaseParallelism sizes them there), so this is process-wide; RocksDB only lowers a pool, so a later
    /// <see cref="CompactionCpuPriority.Normal"/> open does not raise it again. Each pool thread applies the
    /// priority itself (setpriority, nice 19 on Linux) before its next job. RocksDbSharp binds the C API's
    /// call in the native library it loaded; nothing else is loaded.
    /// </summary>
    private static void SetCompactionCpuPriority(CompactionCpuPriority priority)
    {
        if (priority != CompactionCpuPriority.Low)
        {
            return;
        }

        // A handle on RocksDB's default Env (Env::Default()); destroying the handle leaves the Env itself alone.
        var defaultEnv = Native.Instance.rocksdb_create_default_env();
        try
        {
            Native.Instance.rocksdb_env_lower_thread_pool_cpu_priority(defaultEnv);
        }
        finally
        {
            Native.Instance.rocksdb_env_destroy(defaultEnv);
        }
    }

    /// <summary>
    /// Opens a ledger directory read-only (a backup being verified, a checkpoint just taken): <see cref="OpenReadOnly(LedgerDatabaseOptions)"/>
    /// with a small block cache; <paramref name="chainId"/> null accepts the stored one. Any format from
    /// <see cref="OldestMigratableFormatVersion"/> on is accepted (<see cref="StoredFormatVersion"/> says which).
    /// </summary>
    public static LedgerDatabase OpenReadOnly(string dataDirectory, string? chainId)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var path = Path.GetFullPath(dataDirectory);
        if (!File.Exists(Path.Combine(path, "CURRENT")))
        {
            throw new DirectoryNotFoundException($"'{path}' holds no database (no CURRENT file)");
        }

        return OpenReadOnly(new LedgerDatabaseOptions { DataDirectory = path, ChainId = chainId ?? ReadStoredChainId(path), SyncWrites = false, BlockCacheBytes = ReadOnlyBlockCacheBytes });
    }

    /// <summary>A read-only open reads a few records: a small cache will do.</summary>
    private const ulong ReadOnlyBlockCacheBytes = 8UL * 1024 * 1024;

    /// <summary>The chain id stamped in the directory at <paramref name="path"/>, read through a read-only open with plain options (before the chain id, which the full options need, is known).</summary>
    private static string ReadStoredChainId(string path)
    {
        var families = new ColumnFamilies();
        foreach (var name in RocksDb.ListColumnFamilies(new DbOptions(), path))
        {
            families.Add(name, new ColumnFamilyOptions());
        }

        try
        {
            using var rocks = RocksDb.OpenReadOnly(new DbOptions(), path, families, errIfLogFileExists: false);
            var meta = rocks.GetColumnFamily(ColumnFamilyNames.Meta);
            var stored = rocks.Get(MetaKeys.ChainId, meta)
                ?? throw new DataDirectoryDamagedException(path, DamagedPart.Identity, fileName: null, "it has no chain id");
            return Encoding.UTF8.GetString(stored);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw OpenDamage(path, e);
        }
        catch (KeyNotFoundException)
        {
            throw new DataDirectoryDamagedException(path, DamagedPart.Identity, fileName: null, $"it has no '{ColumnFamilyNames.Meta}' column family");
        }
    }

    /// <summary>Stamps the directory with <see cref="FormatVersion"/>, synced: the last step of a migration (<see cref="Migration.FormatMigration"/>).</summary>
    internal void StampCurrentFormatVersion()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var batch = new WriteBatch();
        Span<byte> versionBytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(versionBytes, FormatVersion);
        batch.Put(MetaKeys.FormatVersion, versionBytes, Meta);
        _rocks.Write(batch, SyncedWriteOptions);
        StoredFormatVersion = FormatVersion;
    }

    /// <summary>Writes the batch atomically, with fsync when <see cref="SyncWrites"/> is on.</summary>
    public void Write(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _rocks.Write(batch, _writeOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new StorageCorruptionException($"write to '{DataDirectory}' failed on corruption: {e.Message}", e);
        }
    }

    /// <summary>Writes the batch atomically, fsynced when <paramref name="sync"/> is true whatever <see cref="SyncWrites"/> says.</summary>
    public void Write(WriteBatch batch, bool sync)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _rocks.Write(batch, sync ? SyncedWriteOptions : UnsyncedWriteOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new StorageCorruptionException($"write to '{DataDirectory}' failed on corruption: {e.Message}", e);
        }
    }

    private static readonly WriteOptions SyncedWriteOptions = new WriteOptions().SetSync(true);
    private static readonly WriteOptions UnsyncedWriteOptions = new WriteOptions().SetSync(false);

    /// <summary>The value under <paramref name="key"/>, or null. Checksums are verified; corruption throws <see cref="StorageCorruptionException"/>.</summary>
    public byte[]? Get(ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return _rocks.Get(key, columnFamily, _readOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new StorageCorruptionException($"read from '{DataDirectory}' hit corruption: {e.Message}", e);
        }
    }

    /// <summary>
    /// The values under <paramref name="keys"/> (null where absent), as <see cref="Get"/> answers
    /// each, in one batched RocksDB MultiGet: the per-read setup (super-version reference,
    /// memtable and filter probes, the native call) is shared across the keys. The keys are handed
    /// over in ascending order (<see cref="KeyOrder"/>; RocksDB's own sort of unsorted input was
    /// ~40 % of a 10,000-key call). Checksums are verified; corruption throws
    /// <see cref="StorageCorruptionException"/>.
    /// </summary>
    public void GetMany(ColumnFamilyHandle columnFamily, ReadOnlySpan<byte[]> keys, Span<byte[]?> values)
    {
        ArgumentNullException.ThrowIfNull(columnFamily);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (values.Length != keys.Length)
        {
            throw new ArgumentException($"{values.Length} value slots for {keys.Length} keys", nameof(values));
        }

        var count = keys.Length;
        if (count == 0)
        {
            return;
        }

        // All keys in one pinned buffer; RocksDB reads them through pointers during the call.
        var totalBytes = 0;
        foreach (var key in keys)
        {
            totalBytes = checked(totalBytes + key.Length);
        }

        var order = ArrayPool<int>.Shared.Rent(count);
        var sorted = KeyOrder.IsSorted(keys);
        if (!sorted)
        {
            KeyOrder.Sort(keys, order.AsSpan(0, count));
        }

        var keyBytes = ArrayPool<byte>.Shared.Rent(Math.Max(totalBytes, 1));
        var keyPointers = ArrayPool<IntPtr>.Shared.Rent(count);
        var keySizes = ArrayPool<UIntPtr>.Shared.Rent(count);
        var slices = ArrayPool<IntPtr>.Shared.Rent(count);
        var errors = ArrayPool<IntPtr>.Shared.Rent(count);
        var pinnedKeys = GCHandle.Alloc(keyBytes, GCHandleType.Pinned);
        var pinnedSlices = GCHandle.Alloc(slices, GCHandleType.Pinned);
        string? firstError = null;
        try
        {
            var start = pinnedKeys.AddrOfPinnedObject();
            var offset = 0;
            // Slot i of the native arrays holds the i-th key in ascending order.
            for (var i = 0; i < count; i++)
            {
                var key = keys[sorted ? i : order[i]];
                key.CopyTo(keyBytes, offset);
                keyPointers[i] = start + offset;
                keySizes[i] = (UIntPtr)key.Length;
                offset += key.Length;
            }

            Native.Instance.rocksdb_batched_multi_get_cf(_rocks.Handle, _readOptions.Handle, columnFamily.Handle, (UIntPtr)count, keyPointers, keySizes, pinnedSlices.AddrOfPinnedObject(), errors, 1);
            for (var i = 0; i < count; i++)
            {
                var slot = sorted ? i : order[i];
                values[slot] = null;
                if (errors[i] != IntPtr.Zero)
                {
                    firstError ??= Marshal.PtrToStringAnsi(errors[i]) ?? "unknown error";
                    Native.Instance.rocksdb_free(errors[i]);
                }

                if (slices[i] != IntPtr.Zero)
                {
                    var data = Native.Instance.rocksdb_pinnableslice_value(slices[i], out var length);
                    var value = new byte[(int)length];
                    Marshal.Copy(data, value, 0, value.Length);
                    values[slot] = value;
                    Native.Instance.rocksdb_pinnableslice_destroy(slices[i]);
                }
            }
        }
        finally
        {
            pinnedSlices.Free();
            pinnedKeys.Free();
            ArrayPool<IntPtr>.Shared.Return(errors);
            ArrayPool<IntPtr>.Shared.Return(slices);
            ArrayPool<UIntPtr>.Shared.Return(keySizes);
            ArrayPool<IntPtr>.Shared.Return(keyPointers);
            ArrayPool<byte>.Shared.Return(keyBytes);
            ArrayPool<int>.Shared.Return(order);
        }

        if (firstError is not null)
        {
            if (firstError.Contains("Corruption", StringComparison.Ordinal) || firstError.Contains("checksum", StringComparison.OrdinalIgnoreCase))
            {
                throw new StorageCorruptionException($"read from '{DataDirectory}' hit corruption: {firstError}");
            }

            throw new InvalidOperationException($"RocksDB MultiGet in '{DataDirectory}' failed: {firstError}");
        }
    }

    /// <summary>
    /// Reads the value under <paramref name="key"/> (as <see cref="Get"/> does: checksums verified, corruption
    /// throws <see cref="StorageCorruptionException"/>) into a pooled buffer and hands it to <paramref name="reader"/>,
    /// which must not keep the span; false when the key is absent. For large values read often (a batch
    /// transaction's record, ~0.7 MB): <see cref="Get"/> would allocate a new large-object array per read,
    /// and those drive full (gen2) collections of the whole heap.
    /// </summary>
    public bool TryRead<TState, TResult>(ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key, TState state, PooledValueReader<TState, TResult> reader, out TResult result)
    {
        ArgumentNullException.ThrowIfNull(columnFamily);
        ArgumentNullException.ThrowIfNull(reader);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var keyBytes = key.ToArray();
        var slice = Native.Instance.rocksdb_get_pinned_cf(_rocks.Handle, _readOptions.Handle, columnFamily.Handle, keyBytes, (UIntPtr)keyBytes.Length, out var error);
        if (error != IntPtr.Zero)
        {
            var message = Marshal.PtrToStringAnsi(error) ?? "unknown error";
            Native.Instance.rocksdb_free(error);
            if (message.Contains("Corruption", StringComparison.Ordinal) || message.Contains("checksum", StringComparison.OrdinalIgnoreCase))
            {
                throw new StorageCorruptionException($"read from '{DataDirectory}' hit corruption: {message}");
            }

            throw new InvalidOperationException($"RocksDB Get in '{DataDirectory}' failed: {message}");
        }

        if (slice == IntPtr.Zero)
        {
            result = default!;
            return false;
        }

        byte[]? buffer = null;
        try
        {
            var data = Native.Instance.rocksdb_pinnableslice_value(slice, out var length);
            var count = checked((int)length);
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
            Marshal.Copy(data, buffer, 0, count);
            Native.Instance.rocksdb_pinnableslice_destroy(slice);
            slice = IntPtr.Zero;
            result = reader(buffer.AsSpan(0, count), state);
            return true;
        }
        finally
        {
            if (slice != IntPtr.Zero)
            {
                Native.Instance.rocksdb_pinnableslice_destroy(slice);
            }

            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public bool HasKey(ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return _rocks.HasKey(key, columnFamily, _readOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new StorageCorruptionException($"read from '{DataDirectory}' hit corruption: {e.Message}", e);
        }
    }

    /// <summary>
    /// As <see cref="Get"/>, for a background pass over the whole store: checksums are verified and
    /// what it reads does not go into the block cache.
    /// </summary>
    public byte[]? GetForScan(ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return _rocks.Get(key, columnFamily, _scanReadOptions);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw new StorageCorruptionException($"read from '{DataDirectory}' hit corruption: {e.Message}", e);
        }
    }

    /// <summary>
    /// An iterator for a background pass over the whole store: checksums verified, nothing cached.
    /// The caller disposes it, and calls <see cref="ThrowIfIteratorFailed"/> when it stops being valid.
    /// </summary>
    public Iterator NewScanIterator(ColumnFamilyHandle columnFamily)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _rocks.NewIterator(columnFamily, _scanReadOptions);
    }

    /// <summary>
    /// An iterator that stopped on an error (rather than at the end) reports it here: corruption as
    /// <see cref="DataDirectoryDamagedException"/> naming the file when RocksDB does.
    /// </summary>
    public void ThrowIfIteratorFailed(Iterator iterator)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        Native.Instance.rocksdb_iter_get_error(iterator.Handle, out var error);
        if (error == IntPtr.Zero)
        {
            return;
        }

        var message = Marshal.PtrToStringAnsi(error) ?? "unknown error";
        Native.Instance.rocksdb_free(error);
        if (message.Contains("Corruption", StringComparison.Ordinal) || message.Contains("checksum", StringComparison.OrdinalIgnoreCase))
        {
            var (part, file) = DamagedParts.FromMessage(message);
            if (part == DamagedPart.BlobFile && file is null)
            {
                file = DamagedParts.OnlyBlobFile(DataDirectory);
            }

            throw new DataDirectoryDamagedException(DataDirectory, part, file, message);
        }

        throw new InvalidOperationException($"RocksDB iteration in '{DataDirectory}' failed: {message}");
    }

    /// <summary>Keeps a background reader of the whole state and a snapshot install apart (see <see cref="StateReplacementGate"/>).</summary>
    public StateReplacementGate StateReplacement { get; } = new();

    /// <summary>An iterator that verifies checksums. The caller disposes it.</summary>
    public Iterator NewIterator(ColumnFamilyHandle columnFamily)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _rocks.NewIterator(columnFamily, _readOptions);
    }

    /// <summary>Flushes all memtables to SST files and waits (tests, checkpoints, shutdown).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var flushOptions = new FlushOptions().SetWaitForFlush(true);
        foreach (var name in ColumnFamilyNames.All)
        {
            // RocksDbSharp's Flush covers the default family only; the C API flushes each family.
            Native.Instance.rocksdb_flush_cf(_rocks.Handle, flushOptions.Handle, _rocks.GetColumnFamily(name).Handle);
        }
    }

    /// <summary>The RocksDB instance, for snapshot export and install (consistent views, SST ingestion).</summary>
    internal RocksDb Rocks
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _rocks;
        }
    }

    /// <summary>A RocksDB property such as "rocksdb.estimate-num-keys", for diagnostics.</summary>
    public string? GetProperty(string propertyName, ColumnFamilyHandle columnFamily) => _rocks.GetProperty(propertyName, columnFamily);

    /// <summary>
    /// RocksDB's figures now: bytes per column family, WAL, memtables, block cache, compaction debt and
    /// write stalls. Bounded cost (a few property reads per column family), safe to call on every metrics scrape.
    /// </summary>
    public Statistics.StorageStatistics ReadStatistics()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Statistics.StorageStatisticsReader.Read(_rocks, DataDirectory, StatisticsText(), _blockCache);
    }

    /// <summary>RocksDB's statistics table as text (tickers; <see cref="Statistics.StorageStatisticsReader.StallMicroseconds"/> reads it).</summary>
    internal string? StatisticsText()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _dbOptions.GetStatisticsString();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rocks.Dispose();
    }

    /// <summary>
    /// This open's incarnation: more than the last open's (and at least
    /// <see cref="LedgerDatabaseOptions.IncarnationFloor"/>), synced before the node does anything else. Raft tells peers (RaftConfig.Incarnation) so a leader resets what it believed this node
    /// held after every restart instead of trusting an acknowledgement the disk may have lost.
    /// </summary>
    public ulong Incarnation { get; private set; }

    /// <summary>Whether every table and large-value checksum was verified at open (false when the directory exceeded <see cref="LedgerDatabaseOptions.VerifyAtOpenBytesMax"/>).</summary>
    public bool ChecksumsVerifiedAtOpen { get; private set; }

    /// <summary>The classified error for a corruption RocksDB reported while opening <paramref name="path"/>.</summary>
    private static DataDirectoryDamagedException OpenDamage(string path, RocksDbException e) => OpenDamage(path, e.Message, e);

    private static DataDirectoryDamagedException OpenDamage(string path, string message, Exception? e)
    {
        var (part, file) = DamagedParts.FromMessage(message);
        if (part == DamagedPart.Unknown && DamagedParts.WalNamedInInfoLog(path) is { } wal)
        {
            // WAL replay returns a bare "checksum mismatch"; RocksDB's info log named the file just before.
            (part, file) = (DamagedPart.WriteAheadLog, wal);
        }
        else if (part == DamagedPart.BlobFile && file is null)
        {
            file = DamagedParts.OnlyBlobFile(path);
        }

        return new DataDirectoryDamagedException(path, part, file, message, e);
    }

    /// <summary>
    /// Bytes of the table and blob files among <paramref name="files"/>. RocksDB's background compactions run
    /// during an open and delete the files they replace, so a file listed a moment ago may be gone: it is
    /// skipped (its data is in the files that replaced it). The sum only chooses whether to verify everything.
    /// (CI, 2026-12-07: a FileNotFoundException for a just-compacted .sst escaped from Open.)
    /// </summary>
    internal static ulong TableAndBlobBytes(IEnumerable<FileInfo> files)
    {
        ulong total = 0;
        foreach (var file in files)
        {
            if (file.Extension is not (".sst" or ".blob"))
            {
                continue;
            }

            try
            {
                total += (ulong)file.Length;
            }
            catch (FileNotFoundException)
            {
                // Compacted away since the listing.
            }
        }

        return total;
    }

    /// <summary>
    /// Verifies the checksum of every table file (RocksDB VerifyChecksum) and reads back every value of the
    /// families whose large values may live in blob files (a blob record's checksum is checked when it is
    /// read), when the directory's table and blob files total at most <paramref name="bytesMax"/>. Larger
    /// directories rely on verified reads and the integrity scan. Returns whether it verified.
    /// </summary>
    private bool VerifyChecksumsIfSmall(ulong bytesMax)
    {
        if (TableAndBlobBytes(new DirectoryInfo(DataDirectory).EnumerateFiles()) > bytesMax)
        {
            return false;
        }

        try
        {
            Native.Instance.rocksdb_verify_checksum(_rocks.Handle, out var error);
            ThrowIfNativeError(error);
            foreach (var family in new[] { Blocks, RaftLog, RegistryState })
            {
                using var iterator = _rocks.NewIterator(family, _readOptions);
                for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
                {
                    _ = iterator.Value();
                }

                Native.Instance.rocksdb_iter_get_error(iterator.Handle, out error);
                ThrowIfNativeError(error);
            }
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw OpenDamage(DataDirectory, e);
        }

        return true;
    }

    /// <summary>
    /// Records, synced, that damage was found in this directory while running (a stored block failed
    /// verification): from now on every open fails with it, so a restart goes the repair path instead
    /// of serving from the damaged directory again. Kept with the node's own Raft state, never in a
    /// state snapshot.
    /// </summary>
    public void RecordDamage(DamagedPart part, string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var text = detail.Length > DamageDetailCharsMax ? detail[..DamageDetailCharsMax] : detail;
        using var batch = new WriteBatch();
        batch.Put(Raft.RaftLogKeys.LocalDamage, Encoding.UTF8.GetBytes($"{(int)part}\n{text.ReplaceLineEndings(" ")}"), RaftState);
        _rocks.Write(batch, SyncedWriteOptions);
    }

    /// <summary>Longest detail kept by <see cref="RecordDamage"/>: the texts are ours, this only bounds the record.</summary>
    public const int DamageDetailCharsMax = 1_024;

    private void ThrowIfDamageRecorded()
    {
        var recorded = Get(RaftState, Raft.RaftLogKeys.LocalDamage);
        if (recorded is null)
        {
            return;
        }

        var parts = Encoding.UTF8.GetString(recorded).Split('\n', 2);
        var part = parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && Enum.IsDefined((DamagedPart)code)
            ? (DamagedPart)code
            : DamagedPart.Unknown;
        var detail = parts.Length == 2 ? parts[1] : "damage was recorded earlier (the record of which is unreadable)";
        throw new DataDirectoryDamagedException(DataDirectory, part, fileName: null, $"found while running: {detail}");
    }

    private void ThrowIfNativeError(IntPtr error)
    {
        if (error == IntPtr.Zero)
        {
            return;
        }

        var message = Marshal.PtrToStringAnsi(error) ?? "unknown error";
        Native.Instance.rocksdb_free(error);
        if (message.Contains("Corruption", StringComparison.Ordinal) || message.Contains("checksum", StringComparison.OrdinalIgnoreCase))
        {
            throw OpenDamage(DataDirectory, message, null);
        }

        throw new InvalidOperationException($"RocksDB checksum verification of '{DataDirectory}' failed: {message}");
    }

    private ulong BumpIncarnation(ulong floor)
    {
        var stored = Get(RaftState, Raft.RaftLogKeys.Incarnation);
        ulong previous = 0;
        if (stored is not null)
        {
            if (stored.Length != sizeof(ulong))
            {
                throw new DataDirectoryDamagedException(DataDirectory, DamagedPart.Identity, fileName: null, $"the incarnation record is {stored.Length} bytes, expected {sizeof(ulong)}");
            }

            previous = BinaryPrimitives.ReadUInt64BigEndian(stored);
        }

        var next = Math.Max(checked(previous + 1), floor);
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, next);
        using var batch = new WriteBatch();
        batch.Put(Raft.RaftLogKeys.Incarnation, bytes, RaftState);
        _rocks.Write(batch, SyncedWriteOptions);
        return next;
    }

    internal static bool IsCorruption(RocksDbException e) =>
        e.Message.Contains("Corruption", StringComparison.Ordinal) || e.Message.Contains("checksum", StringComparison.OrdinalIgnoreCase);

    private static bool IsLockError(RocksDbException e) =>
        e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("IO error", StringComparison.OrdinalIgnoreCase);

    private static ColumnFamilyOptions ColumnFamilyOptions(LedgerDatabaseOptions options, Cache blockCache, bool compress, bool bloomFilter)
    {
        var table = new BlockBasedTableOptions()
            .SetBlockCache(blockCache)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFormatVersion(5);
        if (bloomFilter)
        {
            table.SetFilterPolicy(BloomFilterPolicy.Create(10, false));
        }

        return new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(options.WriteBufferBytes)
            .SetLevelCompactionDynamicLevelBytes(true)
            .SetMaxBytesForLevelBase(options.LevelBaseBytes)
            .SetTargetFileSizeBase(options.TableFileBytes)
            .SetCompression(compress ? Compression.Lz4 : Compression.No);
    }

    /// <summary>
    /// Registry rules mostly read keys that do not exist yet (the nonce, content hash and work id of
    /// a new registration), as does block staging (is this transaction hash indexed already?), and
    /// recent writes sit in the memtable: a whole-key bloom filter over
    /// the memtable answers those misses without walking the skip list (the SST filters already
    /// cover flushed files). Memory: 10% of the write buffer.
    /// </summary>
    private static void OptimizeForAbsentKeyReads(ColumnFamilyOptions familyOptions)
    {
        familyOptions.SetMemtablePrefixBloomSizeRatio(MemtableBloomSizeRatio);
        Native.Instance.rocksdb_options_set_memtable_whole_key_filtering(familyOptions.Handle, 1);
    }

    private const double MemtableBloomSizeRatio = 0.1;

    /// <summary>Values at least this large go to blob files (<see cref="SeparateLargeValues"/>); block headers and hashes stay in the SST files.</summary>
    public const ulong BlobValueBytesMin = 4 * 1024;

    /// <summary>
    /// Blocks and Raft entries are written once and read by key; a batch block or entry is ~0.7 MB.
    /// In the LSM tree every compaction rewrites them again (level by level); with key-value
    /// separation (RocksDB's integrated BlobDB) a flush writes each large value once into a blob
    /// file and the SST files keep a small reference, so compactions move only keys and
    /// references. Durability is unchanged: the WAL and the memtable still carry the value until
    /// the flush, which writes and syncs the blob file before the SST that refers to it. A block's
    /// blob is ZSTD-compressed (a batch block carries its items' ids as text beside their hashes; each blob
    /// file names its compression, so older uncompressed files still read); Raft log blobs are not (they
    /// are short-lived: compressing them would cost CPU on the write path for bytes soon deleted). The Raft log is truncated
    /// from the front (DeleteRange), so its blob files become garbage: a blob file is dropped once
    /// no SST refers to it, and garbage collection relocates what is still live in the oldest
    /// files as compactions pass over them. Blocks are never deleted, so theirs is off.
    /// </summary>
    private static void SeparateLargeValues(ColumnFamilyOptions familyOptions, bool collectGarbage, bool compressBlobs)
    {
        Native.Instance.rocksdb_options_set_enable_blob_files(familyOptions.Handle, 1);
        Native.Instance.rocksdb_options_set_min_blob_size(familyOptions.Handle, BlobValueBytesMin);
        Native.Instance.rocksdb_options_set_blob_compression_type(familyOptions.Handle, (int)(compressBlobs ? Compression.Zstd : Compression.No));
        Native.Instance.rocksdb_options_set_enable_blob_gc(familyOptions.Handle, collectGarbage ? (byte)1 : (byte)0);
    }

    private const int RaftLogLevel0CompactionTrigger = 1;

    /// <summary>
    /// Blocks are kept for ever and grow with every item: their bottommost level (with dynamic level sizes
    /// ~90 % of the bytes) is written with ZSTD, which packs text (item ids such as "sku-000000001", batch
    /// fields) tighter than LZ4; upper levels keep their cheaper setting, being rewritten often. (Registry
    /// state's bottommost level had it too, and keeps it only while its item chunks are inline:
    /// <see cref="LedgerDatabaseOptions.RegistryStateBottommostCompression"/>.) Each file records its own compression, so files written before this setting
    /// still read (they are rewritten as compactions reach them); key and value layouts are unchanged.
    /// </summary>
    private static void CompressBottommostWithZstd(ColumnFamilyOptions familyOptions)
    {
        Native.Instance.rocksdb_options_set_bottommost_compression(familyOptions.Handle, (int)Compression.Zstd);
    }

    /// <summary>
    /// A block's registry writes arrive sorted, so consecutive keys of one key space go in
    /// ascending order. Without a hint the memtable's skip list searches each key from the top
    /// (its own remembered position is only reused when the next key lands right beside it); with
    /// a hint per key space (the first key byte) it climbs from the previous key of that space only
    /// as far as needed. Insert order and contents are unchanged, only the search is shorter: it
    /// cut the memtable insert of a 1,000-RegisterWork block by ~20% (12.5 to 10.2 µs per
    /// transaction of stage + write, thread CPU). The C API has no setter, so it goes through the
    /// options string parser (applied in place).
    /// </summary>
    private static void InsertWithKeySpaceHints(ColumnFamilyOptions familyOptions)
    {
        var text = Marshal.StringToHGlobalAnsi("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix.1");
        try
        {
            Native.Instance.rocksdb_get_options_from_string(familyOptions.Handle, text, familyOptions.Handle, out var error);
            if (error != IntPtr.Zero)
            {
                var message = Marshal.PtrToStringAnsi(error);
                Native.Instance.rocksdb_free(error);
                throw new InvalidOperationException($"RocksDB refused the memtable insert-hint option: {message}");
            }
        }
        finally
        {
            Marshal.FreeHGlobal(text);
        }
    }

    /// <summary>The MANIFEST file named by the directory's CURRENT file, or null when there is no database there yet.</summary>
    private static string? CurrentManifest(string path)
    {
        var current = Path.Combine(path, "CURRENT");
        return File.Exists(current) ? File.ReadAllText(current).Trim() : null;
    }

    /// <summary>
    /// The stored format version, once the identity records are whole, the format is one this build reads
    /// (from <see cref="OldestMigratableFormatVersion"/>) and the chain id is this database's; throws otherwise.
    /// One check for a read-write open and a read-only one.
    /// </summary>
    private uint CheckStoredIdentity(byte[]? storedVersion, byte[]? storedChainId)
    {
        if (storedVersion is null || storedVersion.Length != sizeof(uint))
        {
            throw new DataDirectoryDamagedException(DataDirectory, DamagedPart.Identity, fileName: null, "it has a chain id but no valid format version");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(storedVersion);
        if (version is < OldestMigratableFormatVersion or > FormatVersion)
        {
            throw new IncompatibleFormatVersionException(DataDirectory, version, FormatVersion);
        }

        if (storedChainId is null)
        {
            throw new DataDirectoryDamagedException(DataDirectory, DamagedPart.Identity, fileName: null, "it has a format version but no chain id");
        }

        var chainId = Encoding.UTF8.GetString(storedChainId);
        if (!string.Equals(chainId, ChainId, StringComparison.Ordinal))
        {
            throw new ChainIdMismatchException(DataDirectory, chainId, ChainId);
        }

        return version;
    }

    /// <summary>After the chain id matched: the directory's genesis hash must be the configured one; a directory without one gets it now.</summary>
    private void CheckOrStampGenesisHash()
    {
        if (genesisHash is null)
        {
            return;
        }

        var stored = Get(Meta, MetaKeys.GenesisHash);
        if (stored is null)
        {
            using var batch = new WriteBatch();
            batch.Put(MetaKeys.GenesisHash, genesisHash, Meta);
            _rocks.Write(batch, new WriteOptions().SetSync(true));
            GenesisHashStampedOnExistingDirectory = true;
            return;
        }

        if (!stored.AsSpan().SequenceEqual(genesisHash))
        {
            throw new GenesisMismatchException(DataDirectory, ChainId, stored, genesisHash);
        }
    }

    /// <param name="existingManifest">The MANIFEST the directory's CURRENT named before the open; null for a new directory.</param>
    /// <param name="openOlderFormat">Open an older, migratable format as it is (<see cref="LedgerDatabaseOptions.OpenOlderFormatForMigration"/>).</param>
    private void CheckOrStampIdentity(string? existingManifest, bool openOlderFormat)
    {
        var storedVersion = Get(Meta, MetaKeys.FormatVersion);
        var storedChainId = Get(Meta, MetaKeys.ChainId);
        if (storedVersion is null && storedChainId is null && existingManifest is not null)
        {
            // The directory held a database, yet the records stamped at its creation are gone: RocksDB lost the
            // records that list its files (a MANIFEST record cut short reads as a write torn by a crash, and the files
            // it listed are then deleted as obsolete). Stamping it as new would make a node forget everything it
            // acknowledged without a word (issue #16's byte-flip sweep: a node back at height 0 that noticed nothing).
            throw new DataDirectoryDamagedException(DataDirectory, DamagedPart.Manifest, existingManifest,
                "the database existed but opened without its identity records: the records listing its files were lost");
        }

        if (storedVersion is null && storedChainId is null)
        {
            using var batch = new WriteBatch();
            Span<byte> versionBytes = stackalloc byte[sizeof(uint)];
            BinaryPrimitives.WriteUInt32BigEndian(versionBytes, FormatVersion);
            batch.Put(MetaKeys.FormatVersion, versionBytes, Meta);
            batch.Put(MetaKeys.ChainId, Encoding.UTF8.GetBytes(ChainId), Meta);
            if (genesisHash is not null)
            {
                batch.Put(MetaKeys.GenesisHash, genesisHash, Meta);
            }

            _rocks.Write(batch, new WriteOptions().SetSync(true));
            return;
        }

        var version = CheckStoredIdentity(storedVersion, storedChainId);

        if (version < FormatVersion)
        {
            // Never upgraded on the side of a start: the operator migrates it, with a backup first (FormatMigration).
            if (!openOlderFormat)
            {
                throw new FormatMigrationRequiredException(DataDirectory, version);
            }

            StoredFormatVersion = version;
        }

        // After the format check: a directory refused for its format is left as it was found.
        CheckOrStampGenesisHash();
    }
}
