using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.State;
using Ledger.Storage;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// RocksDB's side of bulk ingest, without the node: what a BatchRegister apply does to the store, batch
/// after batch, under each storage profile in turn (same seed, same bytes), so old and new options are
/// compared in one invocation on the same (shared) machine. Per batch: one MultiGet of the batch's
/// 10,000 content-hash keys (the apply's duplicate check, almost all misses), then one synced write
/// batch holding what the apply writes — a content-hash index entry per item (34-byte random key;
/// value: the 9-byte batch-item form and the batch's ordinal mapping and counter, as the registry
/// writes now, or the 36-byte work id of profiles that say <c>value36</c>), the batch's item chunks (256 items each), its header, commitment, outcome and
/// owner entries in <c>registry_state</c>, and the block (the item bytes again) in <c>blocks</c>.
/// Key and value shapes come from the registry's own encoders (StateKeys, BatchItemTable,
/// BatchCommitment), so they follow the real layout. Prints per step: write rate, pending compaction
/// bytes, write-stall time, process CPU per item (RocksDB's background threads included) and bytes
/// on disk per item; then each profile's last-step/first-step rate ratio.
/// </summary>
public sealed class RocksIngestBench : IBenchCommand
{
    private const int PerceptualEvery = 4;
    private const ulong Seed = 0x18;

    public string Name => "rocksingest";

    public string Usage =>
        "[--items 10000000] [--batch-items 10000] [--steps 10] [--repeat 1] [--profiles before,now] [--scale-down 1] [--compact-at-end] [--dir PATH] (profiles: " + string.Join(',', Profiles.Keys) + ")";

    /// <summary>
    /// The candidate option sets. "before" is the store as configured before issue #18's compaction
    /// work; "now" is whatever <see cref="LedgerDatabaseOptions"/> defaults to today.
    /// </summary>
    private static readonly Dictionary<string, Func<LedgerDatabaseOptions, LedgerDatabaseOptions>> Profiles = new(StringComparer.Ordinal)
    {
        ["before"] = o => o with { RegistryStateLargeValuesInBlobFiles = false, SubcompactionsMax = 1, LevelBaseBytes = 256UL << 20 },
        ["now"] = o => o,
        ["blobs"] = o => o with { RegistryStateLargeValuesInBlobFiles = true, SubcompactionsMax = 1, LevelBaseBytes = 256UL << 20 },
        ["sub2"] = o => o with { RegistryStateLargeValuesInBlobFiles = false, SubcompactionsMax = 2, LevelBaseBytes = 256UL << 20 },
        ["blobs-sub2"] = o => o with { RegistryStateLargeValuesInBlobFiles = true, SubcompactionsMax = 2, LevelBaseBytes = 256UL << 20 },
        ["blobs-base1g"] = o => o with { RegistryStateLargeValuesInBlobFiles = true, SubcompactionsMax = 1, LevelBaseBytes = 1UL << 30 },
        ["blobs-wb128"] = o => o with { RegistryStateLargeValuesInBlobFiles = true, SubcompactionsMax = 1, LevelBaseBytes = 256UL << 20, WriteBufferBytes = 128UL << 20 },
        ["l0x8"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 8 },
        ["raw-upper"] = o => o with { RegistryStateUpperLevelsCompressed = false },
        ["l0x8-raw-upper"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 8, RegistryStateUpperLevelsCompressed = false },
        ["mult5"] = o => o with { RegistryStateLevelSizeMultiplier = 5 },
        ["mult4"] = o => o with { RegistryStateLevelSizeMultiplier = 4 },
        ["l0x8-mult5"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 8, RegistryStateLevelSizeMultiplier = 5 },
        ["l0x8-mult4"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 8, RegistryStateLevelSizeMultiplier = 4 },
        ["universal"] = o => o with { RegistryStateUniversalCompaction = true },
        ["issue18-before"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 4, RegistryStateUpperLevelsCompressed = true, RegistryStateBottommostCompressionOverride = Compression.Zstd },

        // Compaction threads' CPU priority (process-wide and only ever lowered: every "cpu-normal" run must come
        // before the first Low run of the invocation, which CheckPriorityOrder enforces; the other profiles take the default, Low).
        ["cpu-normal"] = o => o with { CompactionCpuPriority = CompactionCpuPriority.Normal },
        ["cpu-low"] = o => o with { CompactionCpuPriority = CompactionCpuPriority.Low },

        // registry_state's bottommost level: ZSTD (the default before issue #18's measurement), LZ4 (the default now), or none.
        ["bottom-zstd"] = o => o with { RegistryStateBottommostCompressionOverride = Compression.Zstd },
        ["bottom-lz4"] = o => o with { RegistryStateBottommostCompressionOverride = Compression.Lz4 },
        ["bottom-none"] = o => o with { RegistryStateBottommostCompressionOverride = Compression.No },
        // The same with the item chunks inline (blob files off, as directories written before them hold their chunks).
        ["inline-bottom-zstd"] = o => o with { RegistryStateLargeValuesInBlobFiles = false, RegistryStateBottommostCompressionOverride = Compression.Zstd },
        ["inline-bottom-lz4"] = o => o with { RegistryStateLargeValuesInBlobFiles = false, RegistryStateBottommostCompressionOverride = Compression.Lz4 },

        // The block cache at a tenth of its default: an 8 M-item run then holds about as many index and
        // filter bytes per cached byte as the default cache at 80 M items (the scale run's decay).
        ["now-cache-tenth"] = o => o with { BlockCacheBytes = LedgerDatabaseOptions.DefaultBlockCacheBytes / 10 },
        ["issue18-before-cache-tenth"] = o => o with { RegistryStateLevel0FilesCompactionTrigger = 4, RegistryStateUpperLevelsCompressed = true, RegistryStateBottommostCompressionOverride = Compression.Zstd, BlockCacheBytes = LedgerDatabaseOptions.DefaultBlockCacheBytes / 10 },

        // The content-hash index value of a batch item: the 36-byte work id (as written before the compact
        // form) or the 9-byte batch-item form (ContentHashIndexValue, what the registry writes now); today's options.
        ["value36"] = o => o,
        ["value9"] = o => o,
    };

    /// <summary>Profiles whose items' index entries hold the 36-byte work id; every other profile writes the registry's current 9-byte form.</summary>
    private static readonly HashSet<string> WorkIdValueProfiles = new(StringComparer.Ordinal) { "value36" };

    public int Run(string[] args)
    {
        var items = BenchArguments.PositiveLong(args, "--items", 10_000_000);
        var batchItems = (int)BenchArguments.PositiveLong(args, "--batch-items", 10_000);
        var steps = (int)BenchArguments.PositiveLong(args, "--steps", 10);
        var repeat = (int)BenchArguments.PositiveLong(args, "--repeat", 1);
        var scaleDown = (int)BenchArguments.PositiveLong(args, "--scale-down", 1);
        var names = StringArgument(args, "--profiles", "before,now").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var root = StringArgument(args, "--dir", Path.Combine(Path.GetTempPath(), "ledger-rocksingest-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        foreach (var name in names)
        {
            if (!Profiles.ContainsKey(name))
            {
                throw new ArgumentException($"unknown profile '{name}'");
            }
        }

        var compactAtEnd = args.Contains("--compact-at-end");
        CheckPriorityOrder(names, repeat);
        var batches = items / batchItems;
        var batchesPerStep = Math.Max(1, batches / steps);
        var results = new List<(string Profile, int Run, ProfileResult Result)>();
        for (var run = 1; run <= repeat; run++)
        {
            foreach (var name in names)
            {
                var path = Path.Combine(root, name);
                try
                {
                    var result = RunProfile(name, run, path, batches, batchesPerStep, batchItems, scaleDown, compactAtEnd);
                    results.Add((name, run, result));
                }
                finally
                {
                    // Each profile's data goes before the next starts: the disk is shared.
                    if (Directory.Exists(path))
                    {
                        Directory.Delete(path, recursive: true);
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("profile,run,first_step_items_per_s,last_step_items_per_s,last_over_first,pending_compaction_gb_end,stall_s_total,cpu_us_per_item_first,cpu_us_per_item_last_quarter,cpu_us_per_item_run,compaction_thread_cpu_us_per_item_run,flush_thread_cpu_us_per_item_run,compaction_thread_nice_max,bg_written_bytes_per_item_run,bg_written_bytes_per_item_last_quarter,registry_sst_bytes_per_item,registry_bytes_per_item,total_bytes_per_item,registry_sst_bytes_per_item_compacted,final_compaction_thread_cpu_us_per_item");
        foreach (var (profile, run, result) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{profile},{run},{result.First.ItemsPerSecond:F0},{result.Last.ItemsPerSecond:F0},{result.Last.ItemsPerSecond / result.First.ItemsPerSecond:F2},{result.Last.PendingCompactionBytes / 1e9:F2},{result.StallSecondsTotal:F1},{result.First.CpuMicrosecondsPerItem:F1},{result.CpuMicrosecondsPerItemLastQuarter:F1},{result.CpuMicrosecondsPerItemRun:F2},{result.CompactionThreadCpuMicrosecondsPerItem:F2},{result.FlushThreadCpuMicrosecondsPerItem:F2},{result.CompactionThreadNiceMax},{result.BackgroundWrittenBytesPerItem:F0},{result.BackgroundWrittenBytesPerItemLastQuarter:F0},{result.RegistrySstBytesPerItem:F2},{result.Last.RegistryBytesPerItem:F1},{result.Last.TotalBytesPerItem:F1},{result.RegistrySstBytesPerItemCompacted:F2},{result.FinalCompactionThreadCpuMicrosecondsPerItem:F2}"));
        }

        foreach (var (profile, run, result) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rocksingest profile={profile} run={run} items={result.Items} last_over_first={result.Last.ItemsPerSecond / result.First.ItemsPerSecond:F2} pending_compaction_gb={result.Last.PendingCompactionBytes / 1e9:F2} stall_s={result.StallSecondsTotal:F1} cpu_us_per_item_last_quarter={result.CpuMicrosecondsPerItemLastQuarter:F1} bg_written_bytes_per_item_run={result.BackgroundWrittenBytesPerItem:F0} bg_written_bytes_per_item_last_quarter={result.BackgroundWrittenBytesPerItemLastQuarter:F0} registry_bytes_per_item={result.Last.RegistryBytesPerItem:F1} bytes_per_item={result.Last.TotalBytesPerItem:F1}"));
        }

        return 0;
    }

    private static ProfileResult RunProfile(string name, int run, string path, long batches, long batchesPerStep, int batchItems, int scaleDown, bool compactAtEnd)
    {
        var options = ScaledDown(Profiles[name](new LedgerDatabaseOptions { DataDirectory = path, ChainId = "rocksingest", SyncWrites = true }), scaleDown);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile {name} run {run}: blob files for registry_state={options.RegistryStateLargeValuesInBlobFiles} subcompactions={options.SubcompactionsMax} level_base={options.LevelBaseBytes >> 20} MiB write_buffer={options.WriteBufferBytes >> 20} MiB registry_l0_trigger={options.RegistryStateLevel0FilesCompactionTrigger} registry_upper_compressed={options.RegistryStateUpperLevelsCompressed} registry_level_multiplier={options.RegistryStateLevelSizeMultiplier} registry_universal={options.RegistryStateUniversalCompaction} registry_bottommost={options.RegistryStateBottommostCompression} compaction_cpu_priority={options.CompactionCpuPriority} block_cache={options.BlockCacheBytes >> 20} MiB table_file={options.TableFileBytes >> 20} MiB scale_down={scaleDown}"));
        Console.WriteLine("step,items,items_per_s,pending_compaction_gb,stall_s,cpu_us_per_item,bg_written_bytes_per_item,compaction_read_bytes_per_item,registry_sst_mb,registry_blob_mb,registry_bytes_per_item,total_bytes_per_item");
        var random = new Random(unchecked((int)Seed));
        var steps = new List<StepFigures>();
        double stallTotal = 0;
        using var database = LedgerDatabase.Open(options);
        var process = Process.GetCurrentProcess();
        var stepStart = Stopwatch.GetTimestamp();
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var runCpuStart = cpuStart;
        var poolCpuStart = PoolThreadCpu.Read();
        var startStatistics = database.ReadStatistics();
        var stallStart = startStatistics.WriteStallMicroseconds;
        var writtenStart = startStatistics.BackgroundWrittenBytes;
        var readStart = startStatistics.CompactionReadBytes;
        long written = 0;
        for (long batch = 0; batch < batches; batch++)
        {
            ApplyBatch(database, random, batch, batchItems, compactValues: !WorkIdValueProfiles.Contains(name));
            written += batchItems;
            if ((batch + 1) % batchesPerStep != 0 && batch + 1 != batches)
            {
                continue;
            }

            var elapsed = Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var statistics = database.ReadStatistics();
            var stepItems = (double)batchItems * (((batch + 1) % batchesPerStep == 0) ? batchesPerStep : (batch + 1) % batchesPerStep);
            var registry = statistics.ColumnFamilies.Single(family => family.Name == ColumnFamilyNames.RegistryState);
            var stall = (statistics.WriteStallMicroseconds - stallStart) / 1e6;
            stallTotal += stall;
            var figures = new StepFigures(
                stepItems,
                stepItems / elapsed,
                statistics.PendingCompactionBytes,
                (cpu - cpuStart).TotalMicroseconds / stepItems,
                (statistics.BackgroundWrittenBytes - writtenStart) / stepItems,
                (statistics.CompactionReadBytes - readStart) / stepItems,
                (registry.SstBytes + registry.BlobBytes) / (double)written,
                (statistics.TotalFileBytes + statistics.WalBytes) / (double)written);
            steps.Add(figures);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{steps.Count},{written},{figures.ItemsPerSecond:F0},{figures.PendingCompactionBytes / 1e9:F2},{stall:F1},{figures.CpuMicrosecondsPerItem:F1},{figures.BackgroundWrittenBytesPerItem:F0},{figures.CompactionReadBytesPerItem:F0},{registry.SstBytes / 1e6:F0},{registry.BlobBytes / 1e6:F0},{figures.RegistryBytesPerItem:F1},{figures.TotalBytesPerItem:F1}"));
            stepStart = Stopwatch.GetTimestamp();
            cpuStart = cpu;
            stallStart = statistics.WriteStallMicroseconds;
            writtenStart = statistics.BackgroundWrittenBytes;
            readStart = statistics.CompactionReadBytes;
        }

        // Wait out the debt the run left, so that the CPU and bytes of every compaction the run caused are counted
        // (a profile that compacts less during the run would otherwise look cheaper by what it leaves behind).
        WaitForCompactions(database);
        process.Refresh();
        var runCpu = process.TotalProcessorTime - runCpuStart;
        var poolCpu = PoolThreadCpu.Read() - poolCpuStart;
        var registrySst = database.ReadStatistics().ColumnFamilies.Single(family => family.Name == ColumnFamilyNames.RegistryState).SstBytes;
        var compactedSst = double.NaN;
        var finalCompactionCpu = double.NaN;
        if (compactAtEnd)
        {
            // Everything into the bottommost level: the bytes per item under the bottommost compression alone.
            var before = PoolThreadCpu.Read();
            database.Rocks.CompactRange(null, null, database.RegistryState);
            compactedSst = database.ReadStatistics().ColumnFamilies.Single(family => family.Name == ColumnFamilyNames.RegistryState).SstBytes / (double)written;
            finalCompactionCpu = (PoolThreadCpu.Read() - before).CompactionMicroseconds / written;
        }

        static double Background(StepFigures step) => step.BackgroundWrittenBytesPerItem;
        static double Cpu(StepFigures step) => step.CpuMicrosecondsPerItem;
        return new ProfileResult(written, steps[0], steps[^1], stallTotal, PerItem(steps, Background), PerItem(LastQuarter(steps), Background), PerItem(LastQuarter(steps), Cpu))
        {
            CpuMicrosecondsPerItemRun = runCpu.TotalMicroseconds / written,
            CompactionThreadCpuMicrosecondsPerItem = poolCpu.CompactionMicroseconds / written,
            FlushThreadCpuMicrosecondsPerItem = poolCpu.FlushMicroseconds / written,
            CompactionThreadNiceMax = PoolThreadCpu.CompactionThreadNiceMax(),
            RegistrySstBytesPerItem = registrySst / (double)written,
            RegistrySstBytesPerItemCompacted = compactedSst,
            FinalCompactionThreadCpuMicrosecondsPerItem = finalCompactionCpu,
        };
    }

    /// <summary>
    /// One BatchRegister apply's reads and writes (see the class comment), every item accepted; with
    /// <paramref name="compactValues"/> the index values are the 9-byte batch-item form and the batch's
    /// ordinal (its number here: every batch accepts) is mapped to its tx hash and counted, as the registry does.
    /// </summary>
    private static void ApplyBatch(LedgerDatabase database, Random random, long batch, int batchItems, bool compactValues)
    {
        var txHash = new byte[32];
        random.NextBytes(txHash);
        var items = new BatchItem[batchItems];
        var contentKeys = new byte[batchItems][];
        var hash = new byte[32];
        for (var i = 0; i < batchItems; i++)
        {
            random.NextBytes(hash);
            items[i] = new BatchItem { ContentSha256 = ByteString.CopyFrom(hash), ItemId = string.Create(CultureInfo.InvariantCulture, $"scale-{Seed:x}-{batch}-{i}") };
            if (i % PerceptualEvery == 0)
            {
                items[i].PerceptualHash = BinaryPrimitives.ReadUInt64LittleEndian(hash.AsSpan(8));
            }

            contentKeys[i] = StateKeys.ContentHash(ContentHashAlgorithm.Sha256, hash).UnsafeBytes;
        }

        var prior = new byte[]?[batchItems];
        database.GetMany(database.RegistryState, contentKeys, prior);
        var chunks = BatchItemTable.Encode(items, parallelismMax: 1);
        var accepted = new bool[batchItems];
        Array.Fill(accepted, true);
        var root = new byte[32];
        random.NextBytes(root);
        var header = new byte[96];
        random.NextBytes(header);

        using var write = new WriteBatch();
        var ordinal = (ulong)batch;
        for (var i = 0; i < batchItems; i++)
        {
            var value = compactValues ? ContentHashIndexValue.ForBatchItem(ordinal, (uint)i) : WorkIds.Create(txHash, (uint)i);
            write.Put(contentKeys[i], value, database.RegistryState);
        }

        if (compactValues)
        {
            write.Put(StateKeys.BatchOrdinal(ordinal).UnsafeBytes, txHash, database.RegistryState);
            var next = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(next, ordinal + 1);
            write.Put(StateKeys.BatchOrdinalNext().UnsafeBytes, next, database.RegistryState);
        }

        write.Put(StateKeys.BatchItemsHeader(txHash).UnsafeBytes, header, database.RegistryState);
        var blockBytes = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            write.Put(StateKeys.BatchItemChunk(txHash, c).UnsafeBytes, chunks[c], database.RegistryState);
            blockBytes += chunks[c].Length;
        }

        write.Put(StateKeys.BatchCommitment(txHash).UnsafeBytes, BatchCommitment.Encode(root, accepted), database.RegistryState);
        write.Put(StateKeys.BatchOutcome(txHash).UnsafeBytes, new BatchRegisterOutcome { ItemCount = (uint)batchItems, AcceptedCount = (uint)batchItems }.ToByteArray(), database.RegistryState);

        // The block carries the items again (the detached item bytes, beside a signature and header).
        var block = new byte[blockBytes];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(block, offset);
            offset += chunk.Length;
        }

        var height = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(height, checked((ulong)batch + 1));
        write.Put(height, block, database.Blocks);
        database.Write(write);
    }

    /// <summary>
    /// The store's geometry and caches divided by <paramref name="factor"/> (write buffers, memtable
    /// budget, WAL bound, base level, table files, block cache; level-0 file counts and bloom bits are
    /// counts and stay): a run of n items then has about the levels, the compaction bytes per item and
    /// the index and filter bytes per cached byte of a run of n × factor items under the real
    /// settings, so the decay of a 100 M-item run can be looked at in a 10 M-item one. An
    /// approximation: per-file and per-flush fixed costs weigh more in the smaller files.
    /// </summary>
    private static LedgerDatabaseOptions ScaledDown(LedgerDatabaseOptions options, int factor)
    {
        if (factor == 1)
        {
            return options;
        }

        var f = (ulong)factor;
        return options with
        {
            WriteBufferBytes = Math.Max(LedgerDatabaseOptions.MemoryBytesMin, options.WriteBufferBytes / f),
            MemtableBudgetBytes = Math.Max(LedgerDatabaseOptions.MemoryBytesMin, options.MemtableBudgetBytes / f),
            WalBytesMax = Math.Max(LedgerDatabaseOptions.WalBytesMin, options.WalBytesMax / f),
            LevelBaseBytes = Math.Max(LedgerDatabaseOptions.LevelBaseBytesMin, options.LevelBaseBytes / f),
            TableFileBytes = Math.Max(LedgerDatabaseOptions.TableFileBytesMin, options.TableFileBytes / f),
            BlockCacheBytes = Math.Max(LedgerDatabaseOptions.MemoryBytesMin, options.BlockCacheBytes / f),
        };
    }

    /// <summary>
    /// RocksDB's thread pools belong to the process-wide default environment and a pool's priority can only be
    /// lowered: a profile asking for <see cref="CompactionCpuPriority.Normal"/> after one that lowered it would
    /// silently run at Low. Refused up front instead.
    /// </summary>
    private static void CheckPriorityOrder(string[] names, int repeat)
    {
        string? lowered = null;
        for (var run = 1; run <= repeat; run++)
        {
            foreach (var name in names)
            {
                var priority = Profiles[name](new LedgerDatabaseOptions { DataDirectory = "unused", ChainId = "unused" }).CompactionCpuPriority;
                if (priority == CompactionCpuPriority.Low)
                {
                    lowered ??= name;
                }
                else if (lowered is not null)
                {
                    throw new ArgumentException($"profile '{name}' (run {run}) wants Normal compaction priority after '{lowered}' lowered it: RocksDB's thread pools are process-wide and only ever lowered; list Normal profiles first, with --repeat 1");
                }
            }
        }
    }

    /// <summary>Waits until RocksDB reports no compaction running or pending for any family (polled; bounded so a stuck run still ends).</summary>
    private static void WaitForCompactions(LedgerDatabase database)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            var statistics = database.ReadStatistics();
            var running = ulong.Parse(database.GetProperty("rocksdb.num-running-compactions", database.RegistryState) ?? "0", CultureInfo.InvariantCulture);
            var flushes = ulong.Parse(database.GetProperty("rocksdb.num-running-flushes", database.RegistryState) ?? "0", CultureInfo.InvariantCulture);
            if (statistics.PendingCompactionBytes == 0 && running == 0 && flushes == 0)
            {
                return;
            }

            Thread.Sleep(200);
        }

        Console.WriteLine("compactions still pending after 10 minutes; figures include only what ran");
    }

    private static string StringArgument(string[] args, string flag, string fallback)
    {
        var at = Array.IndexOf(args, flag);
        if (at < 0)
        {
            return fallback;
        }

        return at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{flag} needs a value");
    }

    private sealed record StepFigures(double Items, double ItemsPerSecond, ulong PendingCompactionBytes, double CpuMicrosecondsPerItem, double BackgroundWrittenBytesPerItem, double CompactionReadBytesPerItem, double RegistryBytesPerItem, double TotalBytesPerItem);

    /// <summary>The last quarter of the steps: one step may fall between two large compactions, a quarter rarely does.</summary>
    private static List<StepFigures> LastQuarter(List<StepFigures> steps) => steps.Skip(steps.Count - Math.Max(1, steps.Count / 4)).ToList();

    /// <summary>A per-item figure over several steps, weighted by their items.</summary>
    private static double PerItem(List<StepFigures> steps, Func<StepFigures, double> figure) =>
        steps.Sum(step => figure(step) * step.Items) / steps.Sum(step => step.Items);

    /// <param name="BackgroundWrittenBytesPerItem">Flush and compaction bytes written per item over the whole run.</param>
    /// <param name="BackgroundWrittenBytesPerItemLastQuarter">The same over the last quarter of the steps.</param>
    /// <param name="CpuMicrosecondsPerItemLastQuarter">Process CPU (writer and RocksDB's threads) per item over the last quarter of the steps.</param>
    private sealed record ProfileResult(long Items, StepFigures First, StepFigures Last, double StallSecondsTotal, double BackgroundWrittenBytesPerItem, double BackgroundWrittenBytesPerItemLastQuarter, double CpuMicrosecondsPerItemLastQuarter)
    {
        /// <summary>Process CPU per item from the open to the end of the compactions the run left pending.</summary>
        public double CpuMicrosecondsPerItemRun { get; init; }

        /// <summary>CPU of RocksDB's compaction threads (rocksdb:low) per item over the same window.</summary>
        public double CompactionThreadCpuMicrosecondsPerItem { get; init; }

        /// <summary>CPU of RocksDB's flush threads (rocksdb:high) per item over the same window.</summary>
        public double FlushThreadCpuMicrosecondsPerItem { get; init; }

        /// <summary>The highest nice value among the compaction threads at the end (19: lowered).</summary>
        public int CompactionThreadNiceMax { get; init; }

        /// <summary>registry_state table-file bytes per item once the run's compactions are done.</summary>
        public double RegistrySstBytesPerItem { get; init; }

        /// <summary>The same after a full compaction of the family (--compact-at-end; NaN otherwise).</summary>
        public double RegistrySstBytesPerItemCompacted { get; init; }

        /// <summary>Compaction-thread CPU per item of that full compaction (NaN without it).</summary>
        public double FinalCompactionThreadCpuMicrosecondsPerItem { get; init; }
    }

    /// <summary>
    /// CPU time of RocksDB's pool threads, by pool, from <see cref="ProcessThreadsCpu"/> (each thread's time on the CPU,
    /// by name): compactions run on "rocksdb:low" threads, flushes on "rocksdb:high". The pools are process-wide and
    /// outlive a database, so a profile reads deltas. Zero off Linux.
    /// </summary>
    private readonly record struct PoolThreadCpu(double CompactionMicroseconds, double FlushMicroseconds)
    {
        public static PoolThreadCpu operator -(PoolThreadCpu a, PoolThreadCpu b) => new(a.CompactionMicroseconds - b.CompactionMicroseconds, a.FlushMicroseconds - b.FlushMicroseconds);

        public static PoolThreadCpu Read()
        {
            double compaction = 0, flush = 0;
            foreach (var (name, nanoseconds) in ProcessThreadsCpu.Snapshot().Values)
            {
                if (name.StartsWith("rocksdb:low", StringComparison.Ordinal))
                {
                    compaction += nanoseconds / 1e3;
                }
                else if (name.StartsWith("rocksdb:high", StringComparison.Ordinal))
                {
                    flush += nanoseconds / 1e3;
                }
            }

            return new PoolThreadCpu(compaction, flush);
        }

        public static int CompactionThreadNiceMax() =>
            Tasks().Where(task => task.Name.StartsWith("rocksdb:low", StringComparison.Ordinal)).Select(task => int.Parse(task.Fields[19 - 3], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

        /// <summary>Each thread's name and the fields of its stat line after the parenthesised name (field 3 onwards, proc(5)).</summary>
        private static IEnumerable<(string Name, string[] Fields)> Tasks()
        {
            if (!OperatingSystem.IsLinux())
            {
                yield break;
            }

            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                string stat;
                string name;
                try
                {
                    stat = File.ReadAllText(Path.Combine(task, "stat"));
                    name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                }
                catch (IOException)
                {
                    continue;
                }

                yield return (name, stat[(stat.LastIndexOf(')') + 2)..].Split(' '));
            }
        }
    }
}
