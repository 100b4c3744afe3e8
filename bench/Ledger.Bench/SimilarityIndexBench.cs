using System.Buffers.Binary;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Hashing;
using Ledger.Registry;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// Similar-work query latency. The headline figure is over a <see cref="PerceptualHashMemoryIndex"/>
/// of N images (default 10 million) loaded directly from generated hashes — NOT through the rules
/// or RocksDB, which would take far longer than the bench's time bound at that N; the node builds
/// its tables on disk instead (similar-works queries through <see cref="RocksDbRegistryState"/>'s
/// background-written similarity index). A first, smaller phase does exactly that: it writes blocks
/// of index entries in the applier's key layout through the state with its index started, waits
/// until they are indexed, and queries, so the figure for the real path is shown too
/// (<see cref="SimilarityDiskBench"/> compares the two paths' costs).
/// </summary>
internal static class SimilarityIndexBench
{
    private const int WriteBatchKeysMax = 100_000;
    private const int WarmupQueries = 50;
    private const int ResultLimit = 20;
    private const int DistanceMin = 4;
    private const int DistanceMax = 8;

    public static double Run(string[] args, string path)
    {
        var itemsMax = BenchArguments.PositiveLong(args, "--similar-items", 10_000_000);
        var rocksItems = BenchArguments.PositiveLong(args, "--similar-rocksdb-items", 200_000);
        var buildMax = TimeSpan.FromSeconds(BenchArguments.PositiveLong(args, "--similar-build-s", 180));
        var queries = (int)BenchArguments.PositiveLong(args, "--similar-queries", 1_000);
        var substrings = (int)BenchArguments.PositiveLong(args, "--substrings", RegistryOptions.DefaultPerceptualHashSubstringCount);
        var options = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: substrings);
        var random = new Random(20261125);

        // Phase 1: the real path at a modest N, through RocksDB.
        var rocksHashes = RandomHashes(random, rocksItems);
        using (var database = RegistryBenchCommand.OpenDatabase(path, 256UL * 1024 * 1024))
        {
            var loadStarted = Stopwatch.GetTimestamp();
            using var state = new RocksDbRegistryState(database);
            state.StartSimilarityIndex(options.Similarity.Layout);
            var (loaded, height) = LoadRocksDb(database, state, options, rocksHashes, buildMax);
            var indexStarted = Stopwatch.GetTimestamp();
            while (state.SimilarityProgress is not { Rebuilding: false, TailImages: 0 } progress || progress.IndexedHeight < height)
            {
                Thread.Sleep(5);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"similar (RocksDB path): N={loaded} images ({loaded} index entries, one per image) written in {Stopwatch.GetElapsedTime(loadStarted, indexStarted).TotalSeconds:F0} s; on-disk tables caught up {Stopwatch.GetElapsedTime(indexStarted).TotalSeconds:F1} s later"));
            Measure("similar (RocksDB path)", new RegistryQueries(state, options), options, rocksHashes, (int)loaded, Math.Min(queries, 300), random);
        }

        // Phase 2: the headline N, tables loaded directly.
        var hashes = RandomHashes(random, itemsMax);
        var started = Stopwatch.GetTimestamp();
        var memory = new PerceptualHashMemoryIndex(options.Similarity.Layout);
        memory.Load(hashes, new SyntheticWorkIds(hashes.Length));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"similar: N={memory.Count} images, m={substrings} substrings, tables loaded directly (not through the rules or RocksDB) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; process memory {Environment.WorkingSet / (1024.0 * 1024 * 1024):F1} GiB"));
        return Measure("similar", memory, options, hashes, hashes.Length, queries, random);
    }

    private static ulong[] RandomHashes(Random random, long count)
    {
        var hashes = new ulong[count];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
        }

        return hashes;
    }

    // Blocks of index entries with their applied height, through the state (so the similarity index follows them).
    private static (long Loaded, ulong Height) LoadRocksDb(Ledger.Storage.LedgerDatabase database, RocksDbRegistryState state, RegistryOptions options, ulong[] hashes, TimeSpan buildMax)
    {
        var started = Stopwatch.GetTimestamp();
        var loaded = 0L;
        ulong height = 0;
        var marker = Array.Empty<byte>();
        while (loaded < hashes.Length && Stopwatch.GetElapsedTime(started) < buildMax)
        {
            var blockEnd = Math.Min(hashes.Length, loaded + (WriteBatchKeysMax / 10));
            var writes = new List<Ledger.Registry.State.StateWrite>();
            for (var i = loaded; i < blockEnd; i++)
            {
                foreach (var key in options.Similarity.EntryKeys(hashes[i], SyntheticWorkIds.Create(i)))
                {
                    writes.Add(new Ledger.Registry.State.StateWrite(key, marker));
                }
            }

            var encoded = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(encoded, ++height);
            writes.Add(new Ledger.Registry.State.StateWrite(Ledger.Registry.State.StateKeys.AppliedHeight(), encoded));
            using var batch = new WriteBatch();
            state.Stage(batch, writes);
            database.Write(batch, sync: false);
            state.NotifyWritten();
            loaded = blockEnd;
        }

        database.Flush();
        return (loaded, height);
    }

    private static double Measure(string label, RegistryQueries queriesApi, RegistryOptions options, ulong[] hashes, int loaded, int queries, Random random) =>
        Measure(label, (query, k) => queriesApi.FindSimilarWorks(query, k, ResultLimit), options, hashes, loaded, queries, random);

    private static double Measure(string label, PerceptualHashMemoryIndex memory, RegistryOptions options, ulong[] hashes, int loaded, int queries, Random random) =>
        Measure(label, (query, k) => memory.FindSimilar(query, k, ResultLimit), options, hashes, loaded, queries, random);

    private static double Measure(string label, Func<ulong, int, SimilarWorksResult> find, RegistryOptions options, ulong[] hashes, int loaded, int queries, Random random)
    {
        var latencies = new double[queries];
        var cpuLatencies = new double[queries];
        var byDistance = new List<double>[DistanceMax + 1];
        for (var k = DistanceMin; k <= DistanceMax; k++)
        {
            byDistance[k] = [];
        }

        var truncated = 0;
        var matches = 0L;
        var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
        for (var q = -WarmupQueries; q < queries; q++)
        {
            if (q == 0)
            {
                cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            }

            // A stored hash with 0..k bits flipped, so every query has at least one true match.
            var k = DistanceMin + (((q % 5) + 5) % 5);
            var query = hashes[random.Next(loaded)];
            var flips = random.Next(k + 1);
            for (var f = 0; f < flips; f++)
            {
                query ^= 1UL << random.Next(64);
            }

            var queryCpuStarted = ThreadCpuClock.NowMicroseconds();
            var queryStarted = Stopwatch.GetTimestamp();
            var result = find(query, k);
            var milliseconds = Stopwatch.GetElapsedTime(queryStarted).TotalMilliseconds;
            var cpuQueryMilliseconds = (ThreadCpuClock.NowMicroseconds() - queryCpuStarted) / 1e3;
            if (q < 0)
            {
                continue;
            }

            latencies[q] = milliseconds;
            cpuLatencies[q] = cpuQueryMilliseconds;
            byDistance[k].Add(milliseconds);
            matches += result.Matches.Count;
            truncated += result.Truncated ? 1 : 0;
        }

        var cpuMilliseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalMilliseconds / queries;
        Array.Sort(latencies);
        Array.Sort(cpuLatencies);
        var p99 = Percentile(latencies, 0.99);
        var perK = new List<string>();
        for (var k = DistanceMin; k <= DistanceMax; k++)
        {
            var sorted = byDistance[k].ToArray();
            Array.Sort(sorted);
            perK.Add(string.Create(CultureInfo.InvariantCulture, $"k={k}: p50 {Percentile(sorted, 0.5):F2} p99 {Percentile(sorted, 0.99):F2} ({options.Similarity.Layout.ProbeCount(k)} probes)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {queries} FindSimilarWorks (k uniform in {DistanceMin}..{DistanceMax}, limit {ResultLimit}) at N={loaded}: p50 {Percentile(latencies, 0.5):F2} ms, p99 {p99:F2} ms, max {latencies[^1]:F2} ms wall; querying thread's CPU per query p50 {Percentile(cpuLatencies, 0.5):F2} ms, p99 {Percentile(cpuLatencies, 0.99):F2} ms; {cpuMilliseconds:F2} ms process CPU per query; {matches / (double)queries:F1} matches/query, {truncated} truncated"));
        Console.WriteLine("  per distance (ms): " + string.Join("; ", perK));
        return p99;
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    /// <summary>Work id i = a synthetic 32-byte tx hash (the item number) || item index 0, made on demand.</summary>
    private sealed class SyntheticWorkIds(int count) : IReadOnlyList<byte[]>
    {
        public int Count => count;

        public byte[] this[int index] => Create(index);

        public static byte[] Create(long item)
        {
            var workId = new byte[36];
            BinaryPrimitives.WriteInt64BigEndian(workId, item);
            return workId;
        }

        public IEnumerator<byte[]> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return Create(i);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
