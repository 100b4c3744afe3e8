using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Hashing;
using Ledger.Registry;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Registry;

/// <summary>
/// Measurement, not a test (explicit only; no assertion on speed): the on-disk similarity tables at N
/// images — write cost per image on apply, backfill time per million, query p50/p99, bytes per image
/// after compaction. Images come in groups of 2,500 sharing a transaction, as a 10,000-item batch with
/// every 4th item an image does. Run: <c>dotnet test ... --filter SimilarityIndexMeasurement
/// -e LEDGER_SIMILAR_IMAGES=5000000</c>.
/// </summary>
[Explicit("measurement")]
public sealed class SimilarityIndexMeasurement
{
    private const int BlockImages = 10_000;
    private const int ImagesPerTransaction = 2_500;
    private static readonly RegistryOptions Options = new(Sha256HashAlgorithm.Instance);

    [Test]
    public void Measure()
    {
        var images = int.Parse(Environment.GetEnvironmentVariable("LEDGER_SIMILAR_IMAGES") ?? "1000000", CultureInfo.InvariantCulture);
        var root = Environment.GetEnvironmentVariable("LEDGER_SIMILAR_DIR") ?? Path.GetTempPath();
        var directory = Directory.CreateDirectory(Path.Combine(root, $"ledger-similar-measure-{Guid.NewGuid():N}")).FullName;
        try
        {
            // The same blocks twice: state writes alone into a baseline database, then staged with the index; the
            // difference in process CPU (writer thread plus RocksDB's flushes and compactions) is the index's cost.
            // CPU time, not wall time: the machine is shared and overloaded.
            var hashes = new ulong[images];
            double baselineCpu;
            using (var baseline = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory + "-baseline", ChainId = "m" }))
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var random0 = new Random(7);
                ulong height0 = 0;
                for (var first = 0; first < images; first += BlockImages)
                {
                    using var stateOnly = new WriteBatch();
                    foreach (var write in BlockWrites(++height0, first, Math.Min(BlockImages, images - first), random0, hashes))
                    {
                        stateOnly.Put(write.Key.UnsafeBytes, write.Value!, baseline.RegistryState);
                    }

                    baseline.Write(stateOnly, sync: false);
                }

                baseline.Flush();
                baseline.CompactFully(baseline.RegistryState);
                baselineCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
            }

            Directory.Delete(directory + "-baseline", recursive: true);
            var random = new Random(7);
            using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "m" });
            var rocks = new RocksDbRegistryState(database);
            rocks.EnsureSimilarityIndex();
            var indexCpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            ulong height = 0;
            for (var first = 0; first < images; first += BlockImages)
            {
                var writes = BlockWrites(++height, first, Math.Min(BlockImages, images - first), random, hashes);
                using var batch = new WriteBatch();
                rocks.Stage(batch, writes);
                database.Write(batch, sync: false);
            }

            database.Flush();
            database.CompactFully(database.SimilarityIndex);
            database.CompactFully(database.RegistryState);
            var indexCpu = (Process.GetCurrentProcess().TotalProcessorTime - indexCpuStarted).TotalMicroseconds;
            var stageMicroseconds = (indexCpu - baselineCpu) / images;
            var tableBytes = double.Parse(database.GetProperty("rocksdb.total-sst-files-size", database.SimilarityIndex)!, CultureInfo.InvariantCulture);
            var stateBytes = double.Parse(database.GetProperty("rocksdb.total-sst-files-size", database.RegistryState)!, CultureInfo.InvariantCulture);
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            var (p50, p99, matches, queryCpu) = Queries(rocks, hashes, random);
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"on-disk similarity tables, N={images} images (m=4): index cost on apply {stageMicroseconds:F2} µs process CPU/image (incl. flush and compaction) over the state's own writes ({baselineCpu / images:F2}); {tableBytes / images:F1} bytes/image after compaction (SST; the state's own entries {stateBytes / images:F1}); managed heap {heap / 1048576.0:F0} MiB; query (k 4..8, limit 20) wall p50 {p50:F2} ms p99 {p99:F2} ms, process CPU {queryCpu:F2} ms/query, {matches:F1} matches/query"));

            // Backfill: drop the tables and index the same state again, as an older directory would be.
            using (var clear = new WriteBatch())
            {
                clear.DeleteRange([0x00], 1, [0xFF], 1, database.SimilarityIndex);
                database.Write(clear, sync: false);
            }

            var backfill = new RocksDbRegistryState(database);
            var backfillStarted = Stopwatch.GetTimestamp();
            var backfillCpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            var indexed = backfill.EnsureSimilarityIndex();
            var seconds = Stopwatch.GetElapsedTime(backfillStarted).TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - backfillCpuStarted).TotalSeconds;
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backfill: {indexed} images in {seconds:F1} s wall, {cpuSeconds:F1} s process CPU = {cpuSeconds * 1e6 / indexed:F1} CPU s per million images (wall {seconds * 1e6 / indexed:F1} s on this loaded machine)"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (double P50, double P99, double Matches, double CpuMilliseconds) Queries(RocksDbRegistryState rocks, ulong[] hashes, Random random)
    {
        var queries = new RegistryQueries(rocks, Options);
        const int count = 1_000;
        var cpu = TimeSpan.Zero;
        var latencies = new double[count];
        long matches = 0;
        for (var q = -100; q < count; q++)
        {
            var query = hashes[random.Next(hashes.Length)] ^ (1UL << random.Next(64)) ^ (1UL << random.Next(64));
            var k = random.Next(4, 9);
            var started = Stopwatch.GetTimestamp();
            if (q == 0)
            {
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
            }

            var result = queries.FindSimilarWorks(query, k, 20);
            if (q >= 0)
            {
                latencies[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                matches += result.Matches.Count;
            }
        }

        Array.Sort(latencies);
        var cpuMilliseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / count;
        return (latencies[count / 2], latencies[(int)(count * 0.99)], matches / (double)count, cpuMilliseconds);
    }

    private static List<StateWrite> BlockWrites(ulong height, int first, int count, Random random, ulong[] hashes)
    {
        var writes = new List<StateWrite>(count + 1);
        var txHash = new byte[32];
        for (var i = 0; i < count; i++)
        {
            var image = first + i;
            if (image % ImagesPerTransaction == 0)
            {
                random.NextBytes(txHash);
            }

            var hash = hashes[image] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            var workId = Ledger.Registry.Model.WorkIds.Create(txHash, (uint)(4 * (image % ImagesPerTransaction)));
            writes.Add(new StateWrite(PerceptualHashIndex.EntryKey(hash, workId), []));
        }

        var encodedHeight = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(encodedHeight, height);
        writes.Add(new StateWrite(StateKeys.AppliedHeight(), encodedHeight));
        return [.. writes.OrderBy(write => write.Key)];
    }
}
