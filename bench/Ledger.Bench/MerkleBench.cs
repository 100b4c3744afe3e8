using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Storage;
using Ledger.Storage.Merkle;
using RocksDbSharp;

namespace Ledger.Bench;

/// <summary>
/// Appends leaves to the RocksDB Merkle store in batches (sync off), then times inclusion and
/// consistency proofs at the final size, next to raw SHA-256 speed measured in the same run: the
/// ceiling is two hashes per leaf (the leaf hash and, amortized, one interior node).
/// </summary>
public sealed class MerkleBench : IBenchCommand
{
    private const long LeafCountDefault = 10_000_000;
    private const long BatchLeavesDefault = 10_000;
    private const long ProofCountDefault = 4_000;
    // The ceiling is sampled between append batches so both see the same machine load.
    private const int CeilingSamplePairs = 20_000;
    private const int CeilingSampleEveryBatches = 10;
    private const int CeilingWarmupPairs = 200_000;
    private const int Seed = 9162;

    public string Name => "merkle";

    public string Usage => "[--leaves N] [--batch N] [--proofs N]   Merkle store appends and proof latency vs raw SHA-256";

    public int Run(string[] args)
    {
        var leafCount = BenchArguments.PositiveLong(args, "--leaves", LeafCountDefault);
        var batchLeaves = BenchArguments.PositiveLong(args, "--batch", BatchLeavesDefault);
        var proofCount = (int)BenchArguments.PositiveLong(args, "--proofs", ProofCountDefault);
        var hasher = new MerkleHasher(Sha256HashAlgorithm.Instance);

        var ceiling = new CeilingMeter(hasher);
        ceiling.Sample(CeilingWarmupPairs);
        ceiling.Reset();

        var directory = Path.Combine(Path.GetTempPath(), $"ledger-bench-merkle-{Guid.NewGuid():N}");
        try
        {
            using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "bench", SyncWrites = false });
            var store = new MerkleTreeStore(database, hasher);
            var appendsPerSecond = AppendLeaves(database, store, hasher, ceiling, leafCount, batchLeaves);
            var ceilingPairsPerSecond = ceiling.PairsPerSecond;
            var ratio = appendsPerSecond / ceilingPairsPerSecond;
            Console.WriteLine($"raw sha256 (sampled between batches): {ceilingPairsPerSecond:N0} leaf+node hash pairs/s (ceiling)");
            Console.WriteLine($"appended {leafCount:N0} leaves in batches of {batchLeaves:N0}: {appendsPerSecond:N0} leaves/s, {ratio:F2} of ceiling");

            var settleSeconds = WaitForCompactionsToSettle(database);
            Console.WriteLine($"waited {settleSeconds:F1} s for background flushes and compactions to finish before timing proofs");
            var inclusion = TimeInclusionProofs(store, hasher, proofCount);
            Console.WriteLine($"inclusion proof at {store.CommittedSize:N0} leaves ({proofCount} random leaves): {inclusion}");
            var consistency = TimeConsistencyProofs(store, hasher, proofCount);
            Console.WriteLine($"consistency proof to {store.CommittedSize:N0} leaves ({proofCount} random first sizes): {consistency}");
            // The closing line reports wall-clock p99 over samples that kept the CPU; the lines above give all-sample and CPU figures too.
            var inclusionP99 = inclusion.KeptWallP99;
            var consistencyP99 = consistency.KeptWallP99;

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"merkle_append_per_s={appendsPerSecond:F0} ceiling_ratio={ratio:F2} inclusion_p99_us={inclusionP99:F0} consistency_p99_us={consistencyP99:F0}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static double AppendLeaves(LedgerDatabase database, MerkleTreeStore store, MerkleHasher hasher, CeilingMeter ceiling, long leafCount, long batchLeaves)
    {
        Span<byte> leafData = stackalloc byte[32];
        Span<byte> leafHash = stackalloc byte[32];
        using var batch = new WriteBatch();
        var stopwatch = Stopwatch.StartNew();
        long appended = 0;
        long batches = 0;
        while (appended < leafCount)
        {
            if (batches++ % CeilingSampleEveryBatches == 0)
            {
                stopwatch.Stop();
                ceiling.Sample(CeilingSamplePairs);
                stopwatch.Start();
            }

            var count = Math.Min(batchLeaves, leafCount - appended);
            for (long i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(leafData, appended + i);
                hasher.HashLeaf(leafData, leafHash);
                store.StageAppend(batch, leafHash);
            }

            store.StageFlush(batch);
            database.Write(batch);
            store.MarkCommitted();
            batch.Clear();
            appended += count;
        }

        return leafCount / stopwatch.Elapsed.TotalSeconds;
    }

    private static double WaitForCompactionsToSettle(LedgerDatabase database)
    {
        const int settleWaitSecondsMax = 120;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < settleWaitSecondsMax)
        {
            var busy = false;
            foreach (var property in new[] { "rocksdb.compaction-pending", "rocksdb.num-running-compactions", "rocksdb.num-running-flushes", "rocksdb.mem-table-flush-pending" })
            {
                busy |= database.GetProperty(property, database.MerkleNodes) is { } value && value != "0";
            }

            if (!busy)
            {
                break;
            }

            Thread.Sleep(200);
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    private static LatencySummary TimeInclusionProofs(MerkleTreeStore store, MerkleHasher hasher, int proofCount)
    {
        var random = new Random(Seed);
        var size = store.CommittedSize;
        var micros = new double[proofCount];
        var cpuMicros = new double[proofCount];
        var kept = new bool[proofCount];
        for (var i = 0; i < proofCount; i++)
        {
            var index = (ulong)random.NextInt64(0, (long)size);
            // Count samples during which this thread left the CPU (preempted, or blocked e.g. by a GC).
            var switches = ThreadCpuClock.AllSwitches();
            var cpuStart = ThreadCpuClock.NowMicroseconds();
            var start = Stopwatch.GetTimestamp();
            var proof = store.GetInclusionProof(index, size);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            cpuMicros[i] = ThreadCpuClock.NowMicroseconds() - cpuStart;
            kept[i] = ThreadCpuClock.AllSwitches() == switches;
            if (i % 100 == 0)
            {
                MerkleProofVerifier.VerifyInclusion(hasher, index, size, store.GetLeafHash(index), proof, store.GetRoot(size));
            }
        }

        return LatencySummary.Of(micros, cpuMicros, kept);
    }

    private static LatencySummary TimeConsistencyProofs(MerkleTreeStore store, MerkleHasher hasher, int proofCount)
    {
        var random = new Random(Seed + 1);
        var size = store.CommittedSize;
        var root = store.GetRoot(size);
        var micros = new double[proofCount];
        var cpuMicros = new double[proofCount];
        var kept = new bool[proofCount];
        for (var i = 0; i < proofCount; i++)
        {
            var size1 = (ulong)random.NextInt64(1, (long)size);
            // Count samples during which this thread left the CPU (preempted, or blocked e.g. by a GC).
            var switches = ThreadCpuClock.AllSwitches();
            var cpuStart = ThreadCpuClock.NowMicroseconds();
            var start = Stopwatch.GetTimestamp();
            var proof = store.GetConsistencyProof(size1, size);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            cpuMicros[i] = ThreadCpuClock.NowMicroseconds() - cpuStart;
            kept[i] = ThreadCpuClock.AllSwitches() == switches;
            if (i % 100 == 0)
            {
                MerkleProofVerifier.VerifyConsistency(hasher, size1, size, proof, store.GetRoot(size1), root);
            }
        }

        return LatencySummary.Of(micros, cpuMicros, kept);
    }
}

/// <summary>
/// Percentiles of one operation, in microseconds. Wall-clock over all samples; wall-clock over the
/// samples during which the thread kept the CPU (no context switch: on a shared, overloaded machine
/// the others measure the scheduler, not the code); and thread CPU time.
/// </summary>
internal readonly record struct LatencySummary(double WallP50, double WallP99, double KeptWallP99, double CpuP50, double CpuP99, int LeftCpu, int Samples)
{
    public static LatencySummary Of(double[] wallMicros, double[] cpuMicros, bool[] kept)
    {
        var keptWall = wallMicros.Where((_, i) => kept[i]).ToArray();
        Array.Sort(wallMicros);
        Array.Sort(cpuMicros);
        Array.Sort(keptWall);
        var keptP99 = keptWall.Length == 0 ? double.NaN : At(keptWall, 0.99);
        return new LatencySummary(At(wallMicros, 0.50), At(wallMicros, 0.99), keptP99, At(cpuMicros, 0.50), At(cpuMicros, 0.99), wallMicros.Length - keptWall.Length, wallMicros.Length);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"wall p50 {WallP50:F1} us, p99 {WallP99:F1} us (all samples), p99 {KeptWallP99:F1} us (the {Samples - LeftCpu} samples that kept the CPU; {LeftCpu} were switched out); thread cpu p50 {CpuP50:F1} us, p99 {CpuP99:F1} us");

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))];
}

/// <summary>Raw SHA-256 speed as leaf-hash + node-hash pairs, accumulated over samples taken during the run.</summary>
internal sealed class CeilingMeter(MerkleHasher hasher)
{
    private long _pairs;
    private double _seconds;

    public double PairsPerSecond => _pairs / _seconds;

    public void Reset()
    {
        _pairs = 0;
        _seconds = 0;
    }

    public void Sample(int pairs)
    {
        Span<byte> leafData = stackalloc byte[32];
        Span<byte> leafHash = stackalloc byte[32];
        Span<byte> node = stackalloc byte[32];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < pairs; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(leafData, i);
            hasher.HashLeaf(leafData, leafHash);
            hasher.HashChildren(node, leafHash, node);
        }

        _seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        _pairs += pairs;
    }
}
