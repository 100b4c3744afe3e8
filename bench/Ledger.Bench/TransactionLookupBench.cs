using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Storage;
using Ledger.Storage.Blocks;

namespace Ledger.Bench;

/// <summary>
/// The cost of finding a small transaction by hash, and of its inclusion proof, in blocks that also
/// hold a large batch (the scale run's mix: one 10,000-item BatchRegister beside single
/// registrations). Builds a store of such blocks (sync off), flushes it to table and blob files, then
/// times <see cref="BlockStore.FindTransaction"/> and FindTransaction plus
/// <see cref="BlockStore.GetLogInclusionProof(ulong, uint)"/> over random small transactions.
/// The item bytes are random (incompressible), like the content hashes that fill real batches.
/// </summary>
public sealed class TransactionLookupBench : IBenchCommand
{
    private const long BlocksDefault = 100;
    private const long BatchItemsDefault = 10_000;
    private const long ItemBytesDefault = 60;
    private const long SmallPerBlockDefault = 20;
    private const long LookupsDefault = 2_000;
    private const int SmallEnvelopeBytes = 200;
    private const int SignatureBytes = 64;
    private const int Seed = 18;
    private const string ChainId = "tx-lookup-bench";

    public string Name => "tx-lookup";

    public string Usage => "[--blocks N] [--batch-items N] [--item-bytes N] [--small N] [--lookups N]   find a small tx (and its proof) in blocks holding a large batch";

    public int Run(string[] args)
    {
        var blockCount = BenchArguments.PositiveLong(args, "--blocks", BlocksDefault);
        var batchItems = BenchArguments.PositiveLong(args, "--batch-items", BatchItemsDefault);
        var itemBytes = BenchArguments.PositiveLong(args, "--item-bytes", ItemBytesDefault);
        var smallPerBlock = (int)BenchArguments.PositiveLong(args, "--small", SmallPerBlockDefault);
        var lookups = (int)BenchArguments.PositiveLong(args, "--lookups", LookupsDefault);
        var random = new Random(Seed);
        var directory = Path.Combine(Path.GetTempPath(), "ledger-tx-lookup-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId, SyncWrites = false });
            var store = new BlockStore(database, BlockHashing.Canonical(Sha256HashAlgorithm.Instance));
            var smallHashes = new List<byte[]>();
            var batchHashes = new List<byte[]>();
            var itemsBytes = new byte[batchItems * itemBytes];
            for (var b = 0; b < blockCount; b++)
            {
                random.NextBytes(itemsBytes);
                var transactions = new List<SignedTransaction> { Transaction(random, SmallEnvelopeBytes, itemsBytes) };
                for (var i = 0; i < smallPerBlock; i++)
                {
                    transactions.Add(Transaction(random, SmallEnvelopeBytes, []));
                }

                var block = NextBlock(store, transactions);
                store.Append(block, block.Header.RaftIndex);
                smallHashes.AddRange(transactions.Skip(1).Select(store.Hashing.HashTransaction));
                batchHashes.Add(store.Hashing.HashTransaction(transactions[0]));
            }

            database.Flush();
            var blockBytes = Directory.EnumerateFiles(directory).Sum(file => new FileInfo(file).Length);
            Console.WriteLine($"store: {blockCount} blocks, each 1 batch of {batchItems} x {itemBytes} B items + {smallPerBlock} small txs; {blockBytes / 1_000_000.0:F1} MB on disk");

            var findOnly = Time(lookups, random, smallHashes, hash => store.FindTransaction(hash));
            var withProof = Time(lookups, random, smallHashes, hash =>
            {
                var found = store.FindTransaction(hash)!;
                store.GetLogInclusionProof(found.Height, found.Position);
            });
            Console.WriteLine($"find_tx_us p50={findOnly.P50:F1} p99={findOnly.P99:F1} mean={findOnly.Mean:F1} thread_cpu_mean={findOnly.CpuMean:F1}");
            Console.WriteLine($"find_tx_and_proof_us p50={withProof.P50:F1} p99={withProof.P99:F1} mean={withProof.Mean:F1} thread_cpu_mean={withProof.CpuMean:F1}");
            Console.WriteLine($"tx_lookup blocks={blockCount} batch_items={batchItems} find_p50_us={findOnly.P50:F1} proof_p50_us={withProof.P50:F1} proof_p99_us={withProof.P99:F1} proof_cpu_us={withProof.CpuMean:F1}");
            CompareBatchProofs(store, batchHashes, lookups, random);
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

    /// <summary>
    /// An inclusion proof of a batch transaction at the current log size (what GetInclusionProof answers), the way
    /// it was served until 2026-12-07 (FindTransaction: the whole ~0.6 MB record read, parsed and its detached items
    /// copied) against the leaf read (FindTransactionLeaf: the batch's result record), interleaved in one run:
    /// thread CPU and bytes allocated per proof, and full collections during the run.
    /// </summary>
    private static void CompareBatchProofs(BlockStore store, List<byte[]> batchHashes, int lookups, Random random)
    {
        var size = store.LogTree.CommittedSize;
        InclusionProof Whole(byte[] hash)
        {
            var found = store.FindTransaction(hash)!;
            return store.GetLogInclusionProof(found.Header, found.Position, size);
        }

        InclusionProof Leaf(byte[] hash)
        {
            var found = store.FindTransactionLeaf(hash)!;
            return store.GetLogInclusionProof(found.Header, found.Position, size);
        }

        for (var i = 0; i < Math.Min(lookups, 100); i++)
        {
            var hash = batchHashes[random.Next(batchHashes.Count)];
            if (!Whole(hash).Equals(Leaf(hash)))
            {
                throw new InvalidOperationException("the two reads gave different proofs");
            }
        }

        var cpu = new double[2];
        var allocated = new long[2];
        var gen2Before = GC.CollectionCount(2);
        for (var i = 0; i < lookups; i++)
        {
            var hash = batchHashes[random.Next(batchHashes.Count)];
            for (var variant = 0; variant < 2; variant++)
            {
                var cpuStart = ThreadCpuClock.NowMicroseconds();
                var bytesStart = GC.GetAllocatedBytesForCurrentThread();
                _ = variant == 0 ? Whole(hash) : Leaf(hash);

                cpu[variant] += ThreadCpuClock.NowMicroseconds() - cpuStart;
                allocated[variant] += GC.GetAllocatedBytesForCurrentThread() - bytesStart;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch_proof lookups={lookups} whole_record_cpu_us={cpu[0] / lookups:F1} leaf_cpu_us={cpu[1] / lookups:F1} whole_record_alloc_kb={allocated[0] / 1024.0 / lookups:F1} leaf_alloc_kb={allocated[1] / 1024.0 / lookups:F1} gen2_collections={GC.CollectionCount(2) - gen2Before}"));
    }

    private static (double P50, double P99, double Mean, double CpuMean) Time(int lookups, Random random, List<byte[]> hashes, Action<byte[]> lookup)
    {
        // Warm-up: JIT and the caches of table indexes and filters, as a serving node has them.
        for (var i = 0; i < Math.Min(lookups, 200); i++)
        {
            lookup(hashes[random.Next(hashes.Count)]);
        }

        var micros = new double[lookups];
        var cpuStart = ThreadCpuClock.NowMicroseconds();
        for (var i = 0; i < lookups; i++)
        {
            var hash = hashes[random.Next(hashes.Count)];
            var start = Stopwatch.GetTimestamp();
            lookup(hash);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        // Thread CPU time: on a shared, loaded machine the wall-clock tail is mostly waiting for a core.
        var cpuMean = (ThreadCpuClock.NowMicroseconds() - cpuStart) / lookups;
        Array.Sort(micros);
        return (micros[lookups / 2], micros[Math.Min(lookups - 1, (int)(lookups * 0.99))], micros.Average(), cpuMean);
    }

    private static SignedTransaction Transaction(Random random, int envelopeBytes, byte[] detachedItems)
    {
        var envelope = new byte[envelopeBytes];
        var signature = new byte[SignatureBytes];
        random.NextBytes(envelope);
        random.NextBytes(signature);
        return new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(envelope),
            Signature = ByteString.CopyFrom(signature),
            DetachedItems = ByteString.CopyFrom(detachedItems),
        };
    }

    private static Block NextBlock(BlockStore store, List<SignedTransaction> transactions)
    {
        var tip = store.Tip;
        var results = transactions.Select(_ => new TransactionResult { Code = ResultCode.Ok }).ToList();
        var roots = store.ComputeRoots(transactions, results);
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = ChainId,
                Height = tip.Height + 1,
                PrevBlockHash = ByteString.CopyFrom(tip.BlockHash),
                TxRoot = ByteString.CopyFrom(roots.TransactionRoot),
                LogSize = roots.LogSize,
                LogRoot = ByteString.CopyFrom(roots.LogRoot),
                TimestampUnixMs = 1_700_000_000_000 + (long)tip.Height,
                ProposerNodeId = "bench",
                RaftTerm = 1,
                RaftIndex = store.AppliedRaftIndex + 1,
                TxCount = (uint)transactions.Count,
            },
        };
        block.Transactions.Add(transactions);
        block.Results.Add(results);
        return block;
    }
}
