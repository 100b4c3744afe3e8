using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// What the on-disk similarity index costs against the in-memory one it replaced, in one invocation
/// (issue #18). Three stores grow side by side, in interleaved rounds, by the same blocks of
/// single-image registrations (each image's perceptual-hash state entry and the applied height):
/// <list type="bullet">
/// <item><c>state</c>: the state writes alone (the baseline both indexes add to);</item>
/// <item><c>memory</c>: plus <see cref="PerceptualHashMemoryIndex.AddRange"/> on the applying thread (the old node);</item>
/// <item><c>disk</c>: with <see cref="RocksDbRegistryState.StartSimilarityIndex"/> (the pending record in
/// the block's batch, the background indexer's table writes, their flushes and compactions).</item>
/// </list>
/// Each variant's round ends with its memtables flushed and its compactions done (and, for disk,
/// every block indexed), so its process CPU window holds its own background work. Then: CPU per image
/// of each index over the baseline, the applying thread's CPU per image, bytes per image of the
/// similarity column family after a full compaction, the managed heap each index keeps, and
/// similar-works p50/p99 of both at the final size.
/// Single registrations are the apply path's worst case: a batch item's image costs its pending
/// record nothing (the record names the batch once), a single one 44 bytes.
/// With <c>--widths</c> it compares substring counts of the on-disk index instead (<see cref="RunWidths"/>).
/// </summary>
public sealed class SimilarityDiskBench : IBenchCommand
{
    private const int BlockImages = 10_000;
    private const int QueryLimit = 20;
    private const int BatchItems = 10_000;
    private const int PerceptualEvery = 4;
    private const int SettlePendingMilliseconds = 2_000;

    // --widths: the scale run's similar-works limit; queries per interleaved chunk.
    private const int WidthQueryLimit = 10;
    private const int WidthQueryChunk = 10;

    public string Name => "similardisk";

    public string Usage => "[--images 1000000] [--round-images 250000] [--queries 500] [--batches] [--dir PATH] (--batches: blocks of one 10,000-item BatchRegister, 1 item in 4 with an image, as the scale run; counts are then images) | --widths 3,4 [--sizes 1000000,3000000] [--round-images 250000] [--queries 200] [--batches] [--dir PATH] (substring counts compared: indexing CPU and bytes per image, per-query entries read, buckets probed and CPU at distances 4 and 8, at each size)";

    public int Run(string[] args)
    {
        if (args.Contains("--widths"))
        {
            return RunWidths(args);
        }

        var images = BenchArguments.PositiveLong(args, "--images", 1_000_000);
        var roundImages = BenchArguments.PositiveLong(args, "--round-images", 250_000);
        var queries = (int)BenchArguments.PositiveLong(args, "--queries", 500);
        var batches = args.Contains("--batches");
        var dirAt = Array.IndexOf(args, "--dir");
        var root = Path.Combine(dirAt >= 0 && dirAt + 1 < args.Length ? args[dirAt + 1] : Path.GetTempPath(), $"ledger-similardisk-{Environment.ProcessId}");
        var options = new RegistryOptions(Sha256HashAlgorithm.Instance);
        var layout = options.Similarity.Layout;
        Directory.CreateDirectory(root);
        try
        {
            using var stateDb = RegistryBenchCommand.OpenDatabase(Path.Combine(root, "state"), 256UL * 1024 * 1024);
            using var memoryDb = RegistryBenchCommand.OpenDatabase(Path.Combine(root, "memory"), 256UL * 1024 * 1024);
            using var diskDb = RegistryBenchCommand.OpenDatabase(Path.Combine(root, "disk"), 256UL * 1024 * 1024);
            using var stateOnly = new RocksDbRegistryState(stateDb);
            using var memoryState = new RocksDbRegistryState(memoryDb);
            using var diskState = new RocksDbRegistryState(diskDb);
            diskState.StartSimilarityIndex(layout);
            var memory = new PerceptualHashMemoryIndex(layout);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

            var variants = new[] { "state", "memory", "disk" };
            var processCpu = new double[3];
            var applyCpu = new double[3];
            var seeds = new Random(0x51D);
            ulong height = 0;
            for (long done = 0; done < images; done += roundImages)
            {
                var round = Math.Min(roundImages, images - done);
                var blocks = batches ? BatchBlocks(seeds.Next(), height, round) : Blocks(seeds.Next(), height, round);
                height += (ulong)blocks.Count;
                var step = new List<string>();
                for (var v = 0; v < variants.Length; v++)
                {
                    var (database, state) = v switch { 0 => (stateDb, stateOnly), 1 => (memoryDb, memoryState), _ => (diskDb, diskState) };
                    var threadsBefore = v == 2 ? ProcessThreadsCpu.Snapshot() : null;
                    var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
                    var threadStarted = ThreadCpuClock.NowMicroseconds();
                    foreach (var (writes, blockImages) in blocks)
                    {
                        using var batch = new WriteBatch();
                        state.Stage(batch, writes);
                        database.Write(batch);
                        state.NotifyWritten();
                        if (v == 1)
                        {
                            // What the old node did on the applying thread: the block's images from its writes, into the tables.
                            var extracted = blockImages;
                            if (batches)
                            {
                                extracted = [];
                                BatchItemImages.AddFromWrites(writes, extracted);
                            }

                            memory.AddRange(extracted);
                        }
                    }

                    var threadMicros = ThreadCpuClock.NowMicroseconds() - threadStarted;
                    if (v == 2)
                    {
                        WaitIndexed(diskState, height);
                    }

                    Settle(database);
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalMicroseconds;
                    processCpu[v] += cpu;
                    applyCpu[v] += threadMicros;
                    step.Add(string.Create(CultureInfo.InvariantCulture, $"{variants[v]} {cpu / round:F2} us/image (applying thread {threadMicros / round:F2})"));
                    if (threadsBefore is not null)
                    {
                        Console.WriteLine("  disk variant by thread: " + ProcessThreadsCpu.Describe(threadsBefore, ProcessThreadsCpu.Snapshot(), round, "image"));
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"similardisk: {done + round} images: process CPU {string.Join("; ", step)}"));
            }

            var memoryHeap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            GC.KeepAlive(memory);

            diskDb.Flush(diskDb.SimilarityIndex);
            diskDb.CompactFully(diskDb.SimilarityIndex);
            var indexBytes = ulong.Parse(diskDb.GetProperty("rocksdb.total-sst-files-size", diskDb.SimilarityIndex) ?? "0", CultureInfo.InvariantCulture);
            var stateBytes = ulong.Parse(diskDb.GetProperty("rocksdb.total-sst-files-size", diskDb.RegistryState) ?? "0", CultureInfo.InvariantCulture);

            var random = new Random(0x51D2);
            var hashes = AllHashes(0x51D, images, roundImages, batches);
            var (memoryP50, memoryP99) = Latency((query, k) => memory.FindSimilar(query, k, QueryLimit), hashes, queries, random);
            var diskQueries = new RegistryQueries(diskState, options);
            var (diskP50, diskP99) = Latency((query, k) => diskQueries.FindSimilarWorks(query, k, QueryLimit), hashes, queries, random);

            var memoryCpu = (processCpu[1] - processCpu[0]) / images;
            var diskCpu = (processCpu[2] - processCpu[0]) / images;
            var baseCpu = processCpu[0] / images;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"similardisk: N={images} images ({(batches ? $"blocks of one {BatchItems}-item batch, 1 item in {PerceptualEvery} with an image" : $"blocks of {BlockImages} single registrations")}, m={layout.SubstringCount}); process CPU per image: state alone {baseCpu:F2} us, memory index +{memoryCpu:F2} us, disk index +{diskCpu:F2} us (pending record + indexer + its flushes and compactions); applying thread per image: state {applyCpu[0] / images:F2} us, memory {applyCpu[1] / images:F2} us, disk {applyCpu[2] / images:F2} us"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"similardisk: similarity_index after full compaction {indexBytes / (double)images:F1} bytes/image ({indexBytes} bytes; registry_state {stateBytes / (double)images:F1} bytes/image); managed heap kept by the memory index {memoryHeap / (double)images:F1} bytes/image, by the disk index's tail at rest {diskState.SimilarityProgress!.TailImages} images"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"similardisk: FindSimilarWorks (k uniform in 4..8, limit {QueryLimit}) at N={images}: memory p50 {memoryP50:F2} ms p99 {memoryP99:F2} ms; disk p50 {diskP50:F2} ms p99 {diskP99:F2} ms (wall clock: noisy on a shared machine)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"similardisk_images={images} state_cpu_us_per_image={baseCpu:F2} memory_index_cpu_us_per_image={memoryCpu:F2} disk_index_cpu_us_per_image={diskCpu:F2} disk_bytes_per_image={indexBytes / (double)images:F1} memory_heap_bytes_per_image={memoryHeap / (double)images:F1} memory_query_p99_ms={memoryP99:F2} disk_query_p99_ms={diskP99:F2}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// <c>--widths</c>: the on-disk index under several substring counts m (and the state writes
    /// alone, the baseline), grown side by side by the same blocks in interleaved rounds (the order
    /// rotates each round), each through the real apply path and background indexer. At each size of
    /// <c>--sizes</c> every index is flushed and fully compacted (outside the CPU windows), then the
    /// same queries run against each, interleaved in chunks: per query at distance 4 and 8 (limit 10,
    /// as the scale run's probe) the buckets probed, entries read and the querying thread's CPU.
    /// </summary>
    private static int RunWidths(string[] args)
    {
        var widths = ListArgument(args, "--widths", [3, 4]).Select(w => (int)w).ToArray();
        var sizes = ListArgument(args, "--sizes", [1_000_000, 3_000_000]);
        Array.Sort(sizes);
        var roundImages = BenchArguments.PositiveLong(args, "--round-images", 250_000);
        var queries = (int)BenchArguments.PositiveLong(args, "--queries", 200);
        var batches = args.Contains("--batches");
        var dirAt = Array.IndexOf(args, "--dir");
        var root = Path.Combine(dirAt >= 0 && dirAt + 1 < args.Length ? args[dirAt + 1] : Path.GetTempPath(), $"ledger-similarwidths-{Environment.ProcessId}");
        var layouts = widths.Select(w => new PerceptualHashIndexLayout(w)).ToArray();
        var variants = widths.Length + 1;
        Directory.CreateDirectory(root);
        var databases = new List<LedgerDatabase>();
        var states = new List<RocksDbRegistryState>();
        try
        {
            for (var v = 0; v < variants; v++)
            {
                var database = RegistryBenchCommand.OpenDatabase(Path.Combine(root, v == 0 ? "state" : $"m{widths[v - 1]}"), 128UL * 1024 * 1024);
                databases.Add(database);
                var state = new RocksDbRegistryState(database);
                states.Add(state);
                if (v > 0)
                {
                    state.StartSimilarityIndex(layouts[v - 1]);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"similardisk --widths: m = {string.Join(", ", widths)} (widths {string.Join("; ", layouts.Select(l => string.Join("/", Enumerable.Range(0, l.SubstringCount).Select(l.WidthBits))))} bits), {(batches ? $"blocks of one {BatchItems}-item batch, 1 item in {PerceptualEvery} with an image" : $"blocks of {BlockImages} single registrations")}; CPU is process CPU (indexing) or the querying thread's CPU (queries), not wall time"));
            var processCpu = new double[variants];
            var hashes = new List<ulong>();
            var seeds = new Random(0x51D);
            ulong height = 0;
            long done = 0;
            var round = 0;
            foreach (var size in sizes)
            {
                while (done < size)
                {
                    var count = Math.Min(roundImages, size - done);
                    var blocks = batches ? BatchBlocks(seeds.Next(), height, count) : Blocks(seeds.Next(), height, count);
                    height += (ulong)blocks.Count;
                    foreach (var (_, blockImages) in blocks)
                    {
                        hashes.AddRange(blockImages.Select(image => image.Hash));
                    }

                    for (var i = 0; i < variants; i++)
                    {
                        var v = (i + round) % variants;
                        var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
                        foreach (var (writes, _) in blocks)
                        {
                            using var batch = new WriteBatch();
                            states[v].Stage(batch, writes);
                            databases[v].Write(batch);
                            states[v].NotifyWritten();
                        }

                        if (v > 0)
                        {
                            WaitIndexed(states[v], height);
                        }

                        Settle(databases[v]);
                        processCpu[v] += (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalMicroseconds;
                    }

                    done += count;
                    round++;
                }

                var bytes = new double[variants];
                for (var v = 1; v < variants; v++)
                {
                    databases[v].Flush(databases[v].SimilarityIndex);
                    databases[v].CompactFully(databases[v].SimilarityIndex);
                    bytes[v] = ulong.Parse(databases[v].GetProperty("rocksdb.total-sst-files-size", databases[v].SimilarityIndex) ?? "0", CultureInfo.InvariantCulture);
                }

                for (var v = 1; v < variants; v++)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"similardisk --widths: N={done} images m={widths[v - 1]}: indexing process CPU over the state writes alone {(processCpu[v] - processCpu[0]) / done:F2} us/image (state alone {processCpu[0] / done:F2}); similarity_index after full compaction {bytes[v] / done:F1} bytes/image"));
                }

                foreach (var k in new[] { 4, 8 })
                {
                    var cost = QueryCosts(states.Skip(1).ToArray(), layouts, hashes, k, queries, new Random(0x51D3 + k));
                    for (var v = 0; v < layouts.Length; v++)
                    {
                        var (buckets, entries, cpu, found) = cost[v];
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"similardisk --widths: N={done} m={widths[v]} k={k}: per query {buckets:F0} buckets probed, {entries:F1} entries read, {found:F2} results, querying thread CPU {cpu:F1} us"));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"similarwidth_images={done} m={widths[v]} k={k} buckets_per_query={buckets:F0} entries_per_query={entries:F1} query_cpu_us={cpu:F1} index_cpu_us_per_image={(processCpu[v + 1] - processCpu[0]) / done:F2} index_bytes_per_image={bytes[v + 1] / done:F1}"));
                    }
                }
            }

            return 0;
        }
        finally
        {
            foreach (var state in states)
            {
                state.Dispose();
            }

            foreach (var database in databases)
            {
                database.Dispose();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    // The same queries (a registered hash with up to k bits flipped) against each index, interleaved in chunks; per index: buckets, entries, thread CPU us and results per query.
    private static (double Buckets, double Entries, double CpuMicros, double Found)[] QueryCosts(RocksDbRegistryState[] states, PerceptualHashIndexLayout[] layouts, List<ulong> hashes, int k, int queries, Random random)
    {
        var picked = new ulong[queries];
        for (var q = 0; q < queries; q++)
        {
            var query = hashes[random.Next(hashes.Count)];
            var flips = random.Next(k + 1);
            for (var f = 0; f < flips; f++)
            {
                query ^= 1UL << random.Next(64);
            }

            picked[q] = query;
        }

        var totals = new (long Buckets, long Entries, double Cpu, long Found)[states.Length];
        for (var v = 0; v < states.Length; v++)
        {
            // Warm-up: JIT, block cache and page cache for this index.
            for (var q = 0; q < Math.Min(queries, 20); q++)
            {
                Query(states[v], layouts[v], picked[q], k);
            }
        }

        for (var chunk = 0; chunk < queries; chunk += WidthQueryChunk)
        {
            for (var i = 0; i < states.Length; i++)
            {
                var v = (i + (chunk / WidthQueryChunk)) % states.Length;
                var started = ThreadCpuClock.NowMicroseconds();
                long buckets = 0, entries = 0, found = 0;
                for (var q = chunk; q < Math.Min(queries, chunk + WidthQueryChunk); q++)
                {
                    var (b, e, f) = Query(states[v], layouts[v], picked[q], k);
                    buckets += b;
                    entries += e;
                    found += f;
                }

                var cpu = ThreadCpuClock.NowMicroseconds() - started;
                totals[v] = (totals[v].Buckets + buckets, totals[v].Entries + entries, totals[v].Cpu + cpu, totals[v].Found + found);
            }
        }

        return [.. totals.Select(t => ((double)t.Buckets / queries, (double)t.Entries / queries, t.Cpu / queries, (double)t.Found / queries))];
    }

    private static (long Buckets, long Entries, int Found) Query(RocksDbRegistryState state, PerceptualHashIndexLayout layout, ulong query, int k)
    {
        using var tables = new CountingTables(state.TryOpenSimilarityTables(layout) ?? throw new InvalidOperationException("the similarity index is not started"));
        var result = PerceptualHashSearch.FindSimilar(tables, state, layout, query, k, WidthQueryLimit);
        return (tables.Buckets, tables.Entries, result.Matches.Count);
    }

    private static long[] ListArgument(string[] args, string flag, long[] fallback)
    {
        var at = Array.IndexOf(args, flag);
        if (at < 0 || at + 1 >= args.Length || args[at + 1].StartsWith("--", StringComparison.Ordinal))
        {
            return fallback;
        }

        return [.. args[at + 1].Split(',').Select(part => long.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture))];
    }

    /// <summary>Counts the buckets a query probes (ranges opened) and the entries it reads.</summary>
    private sealed class CountingTables(IPerceptualHashTableReader inner) : IPerceptualHashTableReader
    {
        public long Buckets { get; private set; }

        public long Entries { get; private set; }

        public IEnumerable<PerceptualHashTableEntry> Range(int table, ulong rotatedFrom, ulong rotatedTo)
        {
            Buckets++;
            foreach (var entry in inner.Range(table, rotatedFrom, rotatedTo))
            {
                Entries++;
                yield return entry;
            }
        }

        public byte[]? WorkIdOf(ImageReference image) => inner.WorkIdOf(image);

        public void AddUnindexedMatches(ulong query, int maxDistance, List<SimilarWork> matches) => inner.AddUnindexedMatches(query, maxDistance, matches);

        public void Dispose() => inner.Dispose();
    }

    // Blocks of single registrations: each image's state entry and the block's applied height, in key order.
    private static List<(List<StateWrite> Writes, List<(ulong Hash, byte[] WorkId)> Images)> Blocks(int seed, ulong height, long count)
    {
        var random = new Random(seed);
        var blocks = new List<(List<StateWrite>, List<(ulong, byte[])>)>();
        for (long done = 0; done < count; done += BlockImages)
        {
            var n = (int)Math.Min(BlockImages, count - done);
            var writes = new List<StateWrite>(n + 1);
            var images = new List<(ulong, byte[])>(n);
            for (var i = 0; i < n; i++)
            {
                var hash = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
                var workId = new byte[36];
                random.NextBytes(workId.AsSpan(0, 32));
                images.Add((hash, workId));
                writes.Add(new StateWrite(PerceptualHashIndex.EntryKey(hash, workId), []));
            }

            var encoded = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(encoded, ++height);
            writes.Add(new StateWrite(StateKeys.AppliedHeight(), encoded));
            writes.Sort((a, b) => a.Key.CompareTo(b.Key));
            blocks.Add((writes, images));
        }

        return blocks;
    }

    // Blocks of one BatchRegister each, as its apply writes them into the state: the commitment (all items accepted) and the item chunks.
    private static List<(List<StateWrite> Writes, List<(ulong Hash, byte[] WorkId)> Images)> BatchBlocks(int seed, ulong height, long imageCount)
    {
        var random = new Random(seed);
        var blocks = new List<(List<StateWrite>, List<(ulong, byte[])>)>();
        for (long done = 0; done < imageCount; done += BatchItems / PerceptualEvery)
        {
            var txHash = new byte[32];
            random.NextBytes(txHash);
            var items = new List<BatchItem>(BatchItems);
            var images = new List<(ulong, byte[])>();
            for (var i = 0; i < BatchItems; i++)
            {
                var content = new byte[32];
                random.NextBytes(content);
                var item = new BatchItem { ContentSha256 = ByteString.CopyFrom(content), ItemId = $"item-{i}" };
                if (i % PerceptualEvery == 0)
                {
                    item.PerceptualHash = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
                    images.Add((item.PerceptualHash, WorkIds.Create(txHash, (uint)i)));
                }

                items.Add(item);
            }

            var writes = new List<StateWrite>();
            var chunks = BatchItemTable.Encode(items, parallelismMax: 1);
            for (var c = 0; c < chunks.Length; c++)
            {
                writes.Add(new StateWrite(StateKeys.BatchItemChunk(txHash, c), chunks[c]));
            }

            var accepted = new bool[BatchItems];
            Array.Fill(accepted, true);
            writes.Add(new StateWrite(StateKeys.BatchCommitment(txHash), BatchCommitment.Encode(new byte[32], accepted)));
            var encoded = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(encoded, ++height);
            writes.Add(new StateWrite(StateKeys.AppliedHeight(), encoded));
            writes.Sort((a, b) => a.Key.CompareTo(b.Key));
            blocks.Add((writes, images));
        }

        return blocks;
    }

    private static ulong[] AllHashes(int seed, long images, long roundImages, bool batches)
    {
        var seeds = new Random(seed);
        var hashes = new List<ulong>();
        for (long done = 0; done < images; done += roundImages)
        {
            var round = Math.Min(roundImages, images - done);
            foreach (var (_, blockImages) in batches ? BatchBlocks(seeds.Next(), 0, round) : Blocks(seeds.Next(), 0, round))
            {
                hashes.AddRange(blockImages.Select(image => image.Hash));
            }
        }

        return [.. hashes];
    }

    private static void WaitIndexed(RocksDbRegistryState state, ulong height)
    {
        while (state.SimilarityProgress is not { Rebuilding: false, TailImages: 0 } progress || progress.IndexedHeight < height)
        {
            if (state.SimilarityProgress?.Failure is { } failure)
            {
                throw new InvalidOperationException(failure);
            }

            Thread.Sleep(5);
        }
    }

    // Flushes every memtable and waits for the compactions that follow, so they land in this variant's CPU window.
    // Universal compaction can report a compaction pending that its picker then declines ("nothing to do"),
    // so pending alone is waited for at most SettlePendingMilliseconds without one running.
    private static void Settle(LedgerDatabase database)
    {
        database.Flush();
        database.Flush(database.SimilarityIndex);
        foreach (var family in new[] { database.RegistryState, database.SimilarityIndex })
        {
            var idleSince = Stopwatch.GetTimestamp();
            while (true)
            {
                if (database.GetProperty("rocksdb.num-running-compactions", family) != "0")
                {
                    idleSince = Stopwatch.GetTimestamp();
                }
                else if (database.GetProperty("rocksdb.compaction-pending", family) == "0" || Stopwatch.GetElapsedTime(idleSince).TotalMilliseconds > SettlePendingMilliseconds)
                {
                    break;
                }

                Thread.Sleep(5);
            }
        }
    }

    private static (double P50, double P99) Latency(Func<ulong, int, SimilarWorksResult> find, ulong[] hashes, int queries, Random random)
    {
        var latencies = new double[queries];
        for (var q = -50; q < queries; q++)
        {
            var k = 4 + (((q % 5) + 5) % 5);
            var query = hashes[random.Next(hashes.Length)];
            var flips = random.Next(k + 1);
            for (var f = 0; f < flips; f++)
            {
                query ^= 1UL << random.Next(64);
            }

            var started = Stopwatch.GetTimestamp();
            find(query, k);
            if (q >= 0)
            {
                latencies[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        Array.Sort(latencies);
        return (latencies[(int)(queries * 0.5)], latencies[Math.Min(queries - 1, (int)Math.Ceiling(queries * 0.99) - 1)]);
    }
}
