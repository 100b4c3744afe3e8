using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// <c>registry</c> (issue #6): registry rule applications per second through the applier and
/// RocksDB (no consensus); BatchRegister items anchored per second (in process, or end to end
/// against a running cluster with <c>--ledger</c>); similar-work query p99 over a large
/// perceptual-hash index. Single thread throughout; writes unsynced (the cluster bench measures
/// fsync).
/// </summary>
public sealed class RegistryBenchCommand : IBenchCommand
{
    private const double AnchorTargetItems = 1.5e9;

    // The node's default (LedgerDatabaseOptions): with less, bloom-filter blocks of the many L0
    // files a large batch leaves are evicted and every missing-key read goes to disk.
    private const ulong NodeBlockCacheBytes = 256UL * 1024 * 1024;

    // A node applies blocks for days, so the rules figure is the steady state. Tiered JIT reaches
    // it late: a method runs ~30 calls at tier 0 and ~30 more instrumented before its tier-1 code
    // is compiled on a background thread (which competes for the 2 shared cores). Per-entry code
    // gets there within a few blocks, but the per-block methods (ApplyBlock, the state-root
    // fold, the sort, the RocksDB write) are called once per block. Measured on the harness
    // (30 timed blocks, load ~15-19): after 2 warm-up blocks (as before) ~48 us/tx, after 20
    // ~33, after 40 ~25, after 60-80 ~25-27 (the larger memtable costs a little). The warm-up
    // blocks also fill the memtable, so the timed blocks write into a larger one, not an empty one.
    // 2026-12-02, with the per-thread breakdown of the timed blocks: after 40 warm-up blocks the
    // tiered-compilation thread still spent 3.7-7.3 µs per timed transaction (the applying thread
    // itself ~16), after 60 1.0-1.4, after 100 0.1-0.5: warm up 100 blocks.
    private const int RuleWarmupBlocks = 100;

    // The registry_state memtable (64 MiB) fills every ~100 RegisterWork blocks, and its flush
    // (~0.2 CPU-s on the RocksDB flush thread) lands in a 30-block window either not at all or
    // charged to a third of the transactions it holds: time 100 blocks so the per-process figure
    // carries about one flush per memtable's worth, as a node's does. (Compactions start after
    // ~4 flushes; a 600-block run adds ~1.2 µs per tx of compaction to ~16 µs per tx in all.)
    private const int RuleBlocks = 100;

    public string Name => "registry";

    public string Usage =>
        "[--rule-blocks 100] [--rule-warmup-blocks 100] [--block-tx 1000] [--batches 20] [--batch-items 10000] [--similar-items 10000000] [--similar-build-s 180] [--similar-queries 1000] [--substrings 4] [--rules-only] [--ledger URL[,URL..] --genesis FILE --key platform.key.json]";

    public int Run(string[] args)
    {
        var ruleBlocks = (int)BenchArguments.PositiveLong(args, "--rule-blocks", RuleBlocks);
        var ruleWarmupBlocks = (int)BenchArguments.PositiveLong(args, "--rule-warmup-blocks", RuleWarmupBlocks);
        var blockTransactions = (int)BenchArguments.PositiveLong(args, "--block-tx", 1_000);
        var batches = (int)BenchArguments.PositiveLong(args, "--batches", 20);
        var batchItems = (int)BenchArguments.PositiveLong(args, "--batch-items", 10_000);
        var root = Path.Combine(Path.GetTempPath(), "ledger-registry-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Rules on one thread (the applier may not fan out); batches with every core.
            var oneCore = new RegistryWorkload(parallelismMax: 1);
            var allCores = new RegistryWorkload(parallelismMax: Environment.ProcessorCount);
            double rulesPerSecond;
            double batchItemsPerSecond;
            Console.WriteLine($"load before: {LoadAverage()}");
            using (var database = OpenDatabase(Path.Combine(root, "rules"), NodeBlockCacheBytes))
            {
                var chain = AppliedChain.InRocksDb(database, oneCore);
                rulesPerSecond = MeasureRules(chain, oneCore, ruleWarmupBlocks, ruleBlocks, blockTransactions);
                if (Array.IndexOf(args, "--rules-only") >= 0)
                {
                    // For profiling the rules on RocksDB alone; a partial run has no closing line.
                    Console.WriteLine($"load after: {LoadAverage()}");
                    return 0;
                }

                // The same rules over the in-memory state separate rule cost from RocksDB cost.
                Console.Write("  baseline, same blocks on MemoryRegistryState: ");
                MeasureRules(AppliedChain.InMemory(oneCore), oneCore, ruleWarmupBlocks, ruleBlocks, blockTransactions);
            }

            using (var database = OpenDatabase(Path.Combine(root, "batches"), NodeBlockCacheBytes))
            {
                var chain = AppliedChain.InRocksDb(database, allCores);
                var inProcessItemsPerSecond = MeasureBatches(chain, allCores, batches, batchItems);
                batchItemsPerSecond = inProcessItemsPerSecond;
                if (Array.IndexOf(args, "--ledger") >= 0)
                {
                    batchItemsPerSecond = BatchClusterRun.Run(args, batches, batchItems);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch items end to end (3-node cluster, consensus + fsync): {batchItemsPerSecond:F0} items/s; 1.5e9 items in {AnchorTargetItems / batchItemsPerSecond / 3600:F1} h"));
                }
                else
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch items: NOT end to end (in process: applier + RocksDB, no consensus, no network, no fsync; run with --ledger/--genesis/--key for the cluster figure): {batchItemsPerSecond:F0} items/s; 1.5e9 items in {AnchorTargetItems / batchItemsPerSecond / 3600:F1} h"));
                }
            }

            var similarP99 = SimilarityIndexBench.Run(args, Path.Combine(root, "similar"));
            Console.WriteLine($"load after: {LoadAverage()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rules_per_s={rulesPerSecond:F0} batch_items_per_s={batchItemsPerSecond:F0} similar_p99_ms={similarP99:F2}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static LedgerDatabase OpenDatabase(string path, ulong blockCacheBytes) => LedgerDatabase.Open(new LedgerDatabaseOptions
    {
        DataDirectory = path,
        ChainId = RegistryWorkload.ChainId,
        SyncWrites = false,
        BlockCacheBytes = blockCacheBytes,
    });

    private static double MeasureRules(AppliedChain chain, RegistryWorkload workload, int warmupBlocks, int blocks, int blockTransactions)
    {
        Console.Error.WriteLine($"rules: building {warmupBlocks} warm-up and {blocks} timed blocks of {blockTransactions} RegisterWork (not timed)");
        var prepared = new RegistryTransaction[warmupBlocks + blocks][];
        for (var b = 0; b < prepared.Length; b++)
        {
            prepared[b] = workload.RegisterWorks(blockTransactions);
        }

        // Warm-up (see RuleWarmupBlocks): JIT tiers, RocksDB memtable and caches.
        for (var b = 0; b < warmupBlocks; b++)
        {
            chain.Apply(prepared[b]);
        }

        var totals = new PhaseTotals();
        var threadsBefore = ProcessThreadsCpu.Snapshot();
        for (var b = warmupBlocks; b < prepared.Length; b++)
        {
            totals.Add(chain.Apply(prepared[b]));
        }


        var threadsAfter = ProcessThreadsCpu.Snapshot();
        var rules = (double)blocks * blockTransactions;
        var perSecond = rules / totals.WallSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rules: {rules:F0} RegisterWork in {blocks} blocks of {blockTransactions} after {warmupBlocks} warm-up blocks, one thread: {perSecond:F0}/s wall ({rules / totals.CpuSeconds:F0}/s per thread CPU-second, {rules / totals.ProcessCpuSeconds:F0}/s per process CPU-second incl. GC and RocksDB threads); apply {totals.ApplySeconds / totals.WallSeconds:P0} of wall, stage+write {totals.WriteSeconds / totals.WallSeconds:P0}; {totals.Writes / rules:F1} state writes per tx, {totals.CommittedWrites / rules:F1} of them in the state root; {totals.AllocatedBytes / rules:F0} bytes allocated per tx on the applying thread, {totals.Gen0Collections} GCs ({totals.Gen2Collections} of them full) pausing {totals.GcPauseSeconds / totals.WallSeconds:P1} of wall ({(GCSettings.IsServerGC ? "server" : "workstation")} GC)"));
        // Where the process's CPU went during the timed blocks (the main thread is the applier).
        Console.WriteLine($"  threads: {ProcessThreadsCpu.Describe(threadsBefore, threadsAfter, rules, "tx")}");
        return perSecond;
    }

    private static double MeasureBatches(AppliedChain chain, RegistryWorkload workload, int batches, int batchItems)
    {
        Console.Error.WriteLine($"batches: building {batches + 1} BatchRegister of {batchItems} items with their Merkle roots (not timed)");
        var prepared = new RegistryTransaction[batches + 1];
        for (var b = 0; b < prepared.Length; b++)
        {
            prepared[b] = workload.BatchRegister(batchItems);
        }

        chain.Apply([prepared[0]]);
        var totals = new PhaseTotals();
        for (var b = 1; b < prepared.Length; b++)
        {
            totals.Add(chain.Apply([prepared[b]]));
        }

        var items = (double)batches * batchItems;
        var perSecond = items / totals.WallSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batches in process: {items:F0} items in {batches} BatchRegister of {batchItems} (one per block, each item with a perceptual hash): {perSecond:F0} items/s wall with up to {Environment.ProcessorCount} threads ({items / totals.ProcessCpuSeconds:F0}/s per process CPU-second = per core fully used; applying thread alone {items / totals.CpuSeconds:F0}/s per its CPU-second); apply {totals.ApplySeconds / totals.WallSeconds:P0} of wall, stage+write {totals.WriteSeconds / totals.WallSeconds:P0}; {totals.Writes / items:F1} state writes per item, {totals.CommittedWrites / items:F1} of them in the state root"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  state-root cost: one StateAccumulator entry update (SHA-256 seed + AES-128-CTR to 2 KiB + 1,024 lane additions) = {AccumulatorMicroseconds():F1} µs CPU"));
        return perSecond;
    }

    // CPU per LtHash entry update, the fixed price of every write that enters the state root.
    private static double AccumulatorMicroseconds()
    {
        const int updates = 20_000;
        var accumulator = new StateAccumulator(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance);
        var key = new byte[37];
        var value = new byte[120];
        var started = ThreadCpuClock.NowMicroseconds();
        for (var i = 0; i < updates; i++)
        {
            key[^1] = (byte)i;
            accumulator.Add(key, value);
        }

        return (ThreadCpuClock.NowMicroseconds() - started) / updates;
    }

    /// <summary>A registry state in RocksDB, initialized from the workload's genesis, with blocks applied and persisted as the node does.</summary>
    private sealed class AppliedChain
    {
        private readonly IRegistryState state;
        private readonly Action<IReadOnlyList<StateWrite>> persist;
        private readonly RegistryApplier applier;
        private ulong height;

        private AppliedChain(IRegistryState state, Action<IReadOnlyList<StateWrite>> persist, RegistryWorkload workload)
        {
            this.state = state;
            this.persist = persist;
            RegistryGenesis.Initialize(state, workload.Genesis, workload.Options);
            applier = new RegistryApplier(workload.Options);
        }

        /// <summary>As the node persists a block's registry writes: staged into one WriteBatch, written unsynced.</summary>
        public static AppliedChain InRocksDb(LedgerDatabase database, RegistryWorkload workload)
        {
            var state = new RocksDbRegistryState(database);
            return new AppliedChain(state, writes =>
            {
                using var batch = new WriteBatch();
                state.Stage(batch, writes);
                database.Write(batch, sync: false);
            }, workload);
        }

        public static AppliedChain InMemory(RegistryWorkload workload)
        {
            var state = new MemoryRegistryState();
            return new AppliedChain(state, state.Apply, workload);
        }

        public BlockTiming Apply(IReadOnlyList<RegistryTransaction> transactions)
        {
            height++;
            var processCpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            var allocatedStarted = GC.GetAllocatedBytesForCurrentThread();
            var gcPauseStarted = GC.GetTotalPauseDuration();
            var gcCountStarted = GC.CollectionCount(0);
            var gen2CountStarted = GC.CollectionCount(2);
            var cpuStarted = ThreadCpuClock.NowMicroseconds();
            var started = Stopwatch.GetTimestamp();
            var application = applier.ApplyBlock(state, new BlockContext(RegistryWorkload.ChainId, height, 1_700_000_000_000 + ((long)height * 1000)), transactions);
            var applied = Stopwatch.GetTimestamp();
            persist(application.Writes);
            var committed = 0;
            foreach (var write in application.Writes)
            {
                committed += KeySpaces.IsCommitted(write.Key.Space) ? 1 : 0;
            }

            var written = Stopwatch.GetTimestamp();
            var cpuMicroseconds = ThreadCpuClock.NowMicroseconds() - cpuStarted;
            var processCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - processCpuStarted).TotalSeconds;
            var allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedStarted;
            var gcPauseSeconds = (GC.GetTotalPauseDuration() - gcPauseStarted).TotalSeconds;
            var gen0Collections = GC.CollectionCount(0) - gcCountStarted;
            var gen2Collections = GC.CollectionCount(2) - gen2CountStarted;
            foreach (var outcome in application.Outcomes)
            {
                if (!outcome.IsOk)
                {
                    throw new InvalidOperationException($"block {height}: a benchmark transaction was rejected: {outcome}");
                }
            }

            return new BlockTiming(
                Stopwatch.GetElapsedTime(started, applied).TotalSeconds,
                Stopwatch.GetElapsedTime(applied, written).TotalSeconds,
                cpuMicroseconds / 1e6,
                processCpuSeconds,
                application.Writes.Count,
                committed,
                allocatedBytes,
                gcPauseSeconds,
                gen0Collections,
                gen2Collections);
        }
    }

    private readonly record struct BlockTiming(double ApplySeconds, double WriteSeconds, double CpuSeconds, double ProcessCpuSeconds, int Writes, int CommittedWrites, long AllocatedBytes, double GcPauseSeconds, int Gen0Collections, int Gen2Collections);

    private sealed class PhaseTotals
    {
        public double ApplySeconds { get; private set; }

        public double WriteSeconds { get; private set; }

        public double CpuSeconds { get; private set; }

        public double ProcessCpuSeconds { get; private set; }

        public double WallSeconds => ApplySeconds + WriteSeconds;

        public long Writes { get; private set; }

        public long CommittedWrites { get; private set; }

        /// <summary>Bytes allocated by the applying thread (apply, stage, write).</summary>
        public long AllocatedBytes { get; private set; }

        /// <summary>Time the runtime paused threads for garbage collection (any generation).</summary>
        public double GcPauseSeconds { get; private set; }

        /// <summary>Collections of any generation (each counts in generation 0).</summary>
        public int Gen0Collections { get; private set; }

        /// <summary>Full (blocking, with the bench's non-concurrent GC) collections.</summary>
        public int Gen2Collections { get; private set; }

        public void Add(BlockTiming timing)
        {
            AllocatedBytes += timing.AllocatedBytes;
            GcPauseSeconds += timing.GcPauseSeconds;
            Gen0Collections += timing.Gen0Collections;
            Gen2Collections += timing.Gen2Collections;
            CommittedWrites += timing.CommittedWrites;
            ApplySeconds += timing.ApplySeconds;
            WriteSeconds += timing.WriteSeconds;
            CpuSeconds += timing.CpuSeconds;
            ProcessCpuSeconds += timing.ProcessCpuSeconds;
            Writes += timing.Writes;
        }
    }
}
