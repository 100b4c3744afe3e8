using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Hashing;
using Ledger.Registry;
using Ledger.Registry.Queries;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// Similar-work query latency over a perceptual-hash index in RocksDB (the node's state store).
/// Only the index entries are loaded, written straight into the registry column family in the
/// exact key layout the applier writes (<see cref="Ledger.Registry.Similarity.PerceptualHashIndex.EntryKeys"/>):
/// a similarity query reads nothing else. Loading stops at the item count or the time bound,
/// whichever comes first, and the N reached is printed.
/// </summary>
internal static class SimilarityIndexBench
{
    private const int LoadChunkItems = 250_000;
    private const int WriteBatchKeysMax = 100_000;
    private const int WarmupQueries = 50;
    private const int ResultLimit = 20;
    private const int DistanceMin = 4;
    private const int DistanceMax = 8;

    public static double Run(string[] args, string path)
    {
        var itemsMax = BenchArguments.PositiveLong(args, "--similar-items", 10_000_000);
        var buildMax = TimeSpan.FromSeconds(BenchArguments.PositiveLong(args, "--similar-build-s", 180));
        var queries = (int)BenchArguments.PositiveLong(args, "--similar-queries", 1_000);
        var substrings = (int)BenchArguments.PositiveLong(args, "--substrings", RegistryOptions.DefaultPerceptualHashSubstringCount);
        var options = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: substrings);

        using var database = RegistryBenchCommand.OpenDatabase(path, 4UL * 1024 * 1024 * 1024);
        var hashes = new ulong[itemsMax];
        var loaded = 0L;
        var random = new Random(20261125);
        var started = Stopwatch.GetTimestamp();
        var workId = new byte[36];
        var marker = Array.Empty<byte>();
        Console.Error.WriteLine($"similar: loading up to {itemsMax} perceptual hashes × {substrings} index entries (bound {buildMax.TotalSeconds} s)");
        while (loaded < itemsMax && Stopwatch.GetElapsedTime(started) < buildMax)
        {
            var chunkEnd = Math.Min(itemsMax, loaded + LoadChunkItems);
            var batch = new WriteBatch();
            var keysInBatch = 0;
            for (var i = loaded; i < chunkEnd; i++)
            {
                var hash = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
                hashes[i] = hash;
                // Work id = a synthetic 32-byte tx hash (the item number) || item index 0.
                BinaryPrimitives.WriteInt64BigEndian(workId, i);
                foreach (var key in options.Similarity.EntryKeys(hash, workId))
                {
                    batch.Put(key.UnsafeBytes, marker, database.RegistryState);
                    keysInBatch++;
                }

                if (keysInBatch >= WriteBatchKeysMax)
                {
                    database.Write(batch, sync: false);
                    batch.Dispose();
                    batch = new WriteBatch();
                    keysInBatch = 0;
                }
            }

            database.Write(batch, sync: false);
            batch.Dispose();
            loaded = chunkEnd;
        }

        var loadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        database.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"similar: N={loaded} images ({loaded * substrings} index entries, m={substrings} substrings) loaded in {loadSeconds:F0} s + flush {Stopwatch.GetElapsedTime(started).TotalSeconds - loadSeconds:F0} s{(loaded < itemsMax ? $" — stopped by the {buildMax.TotalSeconds} s bound, NOT {itemsMax}" : "")}"));

        var queriesApi = new RegistryQueries(new RocksDbRegistryState(database), options);
        var latencies = new double[queries];
        var byDistance = new List<double>[DistanceMax + 1];
        for (var k = DistanceMin; k <= DistanceMax; k++)
        {
            byDistance[k] = [];
        }

        var truncated = 0;
        var matches = 0L;
        for (var q = -WarmupQueries; q < queries; q++)
        {
            // A stored hash with 0..k bits flipped, so every query has at least one true match.
            var k = DistanceMin + (((q % 5) + 5) % 5);
            var query = hashes[random.NextInt64(loaded)];
            var flips = random.Next(k + 1);
            for (var f = 0; f < flips; f++)
            {
                query ^= 1UL << random.Next(64);
            }

            var queryStarted = Stopwatch.GetTimestamp();
            var result = queriesApi.FindSimilarWorks(query, k, ResultLimit);
            var milliseconds = Stopwatch.GetElapsedTime(queryStarted).TotalMilliseconds;
            if (q < 0)
            {
                continue;
            }

            latencies[q] = milliseconds;
            byDistance[k].Add(milliseconds);
            matches += result.Matches.Count;
            truncated += result.Truncated ? 1 : 0;
        }

        Array.Sort(latencies);
        var p99 = Percentile(latencies, 0.99);
        var perK = new List<string>();
        for (var k = DistanceMin; k <= DistanceMax; k++)
        {
            var sorted = byDistance[k].ToArray();
            Array.Sort(sorted);
            perK.Add(string.Create(CultureInfo.InvariantCulture, $"k={k}: p50 {Percentile(sorted, 0.5):F2} p99 {Percentile(sorted, 0.99):F2} ({options.Similarity.Layout.ProbeCount(k)} probes)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"similar: {queries} FindSimilarWorks (k uniform in {DistanceMin}..{DistanceMax}, limit {ResultLimit}) at N={loaded}: p50 {Percentile(latencies, 0.5):F2} ms, p99 {p99:F2} ms, max {latencies[^1]:F2} ms; {matches / (double)queries:F1} matches/query, {truncated} truncated"));
        Console.WriteLine("  per distance (ms): " + string.Join("; ", perK));
        return p99;
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
