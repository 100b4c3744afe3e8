using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Audit;
using Ledger.Client.Signing;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger bench audit</c>: how fast the auditor verifies a synthetic chain, against two
/// ceilings measured on the same transactions — raw signature verification alone and SHA-256 of
/// the leaves alone. Ends with one machine-readable line.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var blocks = new Option<int>("--blocks") { Description = "Blocks in the synthetic chain", DefaultValueFactory = _ => 20 };
        var perBlock = new Option<int>("--tx-per-block") { Description = "Transactions per block", DefaultValueFactory = _ => 500 };
        var store = new Option<bool>("--store") { Description = "Also audit the chain from a RocksDB node store (as `audit --data-dir` does: reads, decoding, attestations)" };
        var roundsOption = new Option<int>("--rounds") { Description = "Alternating audit/ceiling rounds; the best of each is reported", DefaultValueFactory = _ => 3 };
        var suite = new Option<string>("--suite") { Description = "Crypto suite", DefaultValueFactory = _ => CryptoSuites.P256Sha256Name };
        suite.AcceptOnlyFromAmong([.. CryptoSuites.Names]);
        var audit = new Command("audit", "Audit throughput vs signature-verify and SHA-256 ceilings") { blocks, perBlock, suite, roundsOption, store };
        CommandAction.Set(audit, environment, (parse, console) =>
        {
            var blockCount = parse.GetValue(blocks);
            var txPerBlock = parse.GetValue(perBlock);
            var rounds = parse.GetValue(roundsOption);
            if (rounds is < 1 or > 100)
            {
                throw CliException.Usage("--rounds must be 1..100");
            }
            if (blockCount is < 1 or > 10_000 || txPerBlock is < 1 or > 100_000)
            {
                throw CliException.Usage("--blocks must be 1..10000 and --tx-per-block 1..100000");
            }

            var cryptoSuite = CryptoSuites.Get(parse.GetValue(suite)!);
            console.Error.WriteLine($"building a {blockCount}-block chain of {blockCount * txPerBlock} {cryptoSuite.Name} transactions...");
            if (cryptoSuite.Name == CryptoSuites.Sm2Sm3Name)
            {
                console.Error.WriteLine($"sm2-sm3 backends: SM2 {Sm2Sm3Backends.SignatureBackend}, SM3 {Sm2Sm3Backends.HashBackend} (Ledger.Bench sm2 compares them)");
            }

            var (genesis, chain, signer) = BuildChain(cryptoSuite, blockCount, txPerBlock);
            var transactions = chain.SelectMany(b => b.Transactions).ToList();
            var hash = cryptoSuite.Hash;

            // The machine may be shared: rounds alternate audit and ceiling so both see the same
            // background load, and the best of each is kept (load only ever slows a run down).
            var auditSeconds = double.MaxValue;
            var verifySeconds = double.MaxValue;
            var auditCpuSeconds = double.MaxValue;
            var verifyCpuSeconds = double.MaxValue;
            var hashSeconds = double.MaxValue;
            for (var round = 0; round < rounds; round++)
            {
                var auditCpu = CpuSeconds();
                var audit = Time(() =>
                {
                    var auditor = new ChainAuditor(genesis);
                    if (!auditor.Append(chain))
                    {
                        throw new InvalidOperationException($"synthetic chain failed audit: {auditor.Failure}");
                    }
                });

                auditCpu = CpuSeconds() - auditCpu;

                // The ceiling is measured the way the auditor runs: verification spread over all cores.
                var verifyCpu = CpuSeconds();
                var verify = Time(() => Parallel.ForEach(Partitioner.Create(0, transactions.Count, 64), range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        if (!TransactionSigning.Verify(signer.Public, transactions[i], genesis.ChainId))
                        {
                            throw new InvalidOperationException("signature did not verify");
                        }
                    }
                }));
                verifyCpu = CpuSeconds() - verifyCpu;
                var hashing = Time(() =>
                {
                    var digest = new byte[hash.HashSizeBytes];
                    foreach (var transaction in transactions)
                    {
                        hash.Hash(TransactionHashing.EncodeLeaf(transaction), digest);
                    }
                });
                console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: audit {transactions.Count / audit:F0} tx/s ({auditCpu:F2} CPU-s), signature verify {transactions.Count / verify:F0} tx/s ({verifyCpu:F2} CPU-s), load {LoadAverage()}"));
                auditSeconds = Math.Min(auditSeconds, audit);
                auditCpuSeconds = Math.Min(auditCpuSeconds, auditCpu);
                verifyCpuSeconds = Math.Min(verifyCpuSeconds, verifyCpu);
                verifySeconds = Math.Min(verifySeconds, verify);
                hashSeconds = Math.Min(hashSeconds, hashing);
            }

            double? storeRate = null;
            if (parse.GetValue(store))
            {
                storeRate = transactions.Count / MeasureStore(genesis, chain, rounds);
            }

            var count = (double)transactions.Count;
            var auditRate = count / auditSeconds;
            var verifyRate = count / verifySeconds;
            var hashRate = count / hashSeconds;
            var ratio = auditRate / verifyRate;
            if (console.IsJson)
            {
                console.Json(new JsonObject
                {
                    ["suite"] = cryptoSuite.Name, ["transactions"] = transactions.Count, ["auditTxPerSecond"] = auditRate,
                    ["sigVerifyPerSecond"] = verifyRate, ["sha256LeavesPerSecond"] = hashRate, ["sigVerifyCeilingRatio"] = ratio,
                    ["auditFromStoreTxPerSecond"] = storeRate,
                    ["cpuRatio"] = verifyCpuSeconds / auditCpuSeconds,
                    ["cores"] = Environment.ProcessorCount, ["rounds"] = rounds, ["loadAverage"] = LoadAverage(),
                });
            }
            else
            {
                console.Out.WriteLine($"audit:             {auditRate,12:F0} tx/s  ({transactions.Count} tx in {blockCount} blocks, {cryptoSuite.Name}, {Environment.ProcessorCount} cores)");
                if (storeRate is { } fromStore)
                {
                    console.Out.WriteLine($"audit from RocksDB:{fromStore,12:F0} tx/s  (same chain written to a node store, read back as `audit --data-dir` does)");
                }

                console.Out.WriteLine($"signature verify:  {verifyRate,12:F0} tx/s  (ceiling: verification alone, all cores)");
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU-time ratio:    {verifyCpuSeconds / auditCpuSeconds,12:F3}     (CPU-seconds of verification alone / of the audit: the audit's own overhead, insensitive to other load)"));
                console.Out.WriteLine($"load average:      {LoadAverage()} (best of {rounds} alternating rounds)");
                console.Out.WriteLine($"hash of leaves:    {hashRate,12:F0} tx/s  (ceiling: {hash.Name} alone)");
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit_tx_per_s={auditRate:F0} sigverify_ceiling_ratio={ratio:F3}"));
            }

            return ExitCodes.Ok;
        });
        return new Command("bench", "Measurements") { audit };
    }

    /// <summary>The 1/5/15-minute load averages (Linux), so a reader can judge how shared the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>Best time of <paramref name="rounds"/> store audits of the chain written once to a temporary node store.</summary>
    private static double MeasureStore(ConsortiumGenesis genesis, List<Block> chain, int rounds)
    {
        var directory = Directory.CreateTempSubdirectory("ledger-bench-audit-").FullName;
        try
        {
            using (var database = Ledger.Storage.LedgerDatabase.Open(new Ledger.Storage.LedgerDatabaseOptions { DataDirectory = directory, ChainId = genesis.ChainId, SyncWrites = false, BlockCacheBytes = 16UL * 1024 * 1024 }))
            {
                var blockStore = new Ledger.Storage.Blocks.BlockStore(database, StoreReader.Hashing(genesis));
                ulong raftIndex = 0;
                foreach (var block in chain)
                {
                    blockStore.Append(block, ++raftIndex);
                }
            }

            var best = double.MaxValue;
            for (var round = 0; round < rounds; round++)
            {
                best = Math.Min(best, Time(() =>
                {
                    var auditor = new ChainAuditor(genesis);
                    StoreReader.Audit(directory, genesis, auditor);
                    if (auditor.Failure is not null || auditor.VerifiedHeight != (ulong)chain.Count)
                    {
                        throw new InvalidOperationException($"store audit failed: {auditor.Failure}");
                    }
                }));
            }

            return best;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double CpuSeconds() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-6);
    }

    private static (ConsortiumGenesis Genesis, List<Block> Chain, KeyPair Signer) BuildChain(ICryptoSuite suite, int blockCount, int txPerBlock)
    {
        var signer = suite.GenerateKeyPair();
        var node = suite.GenerateKeyPair();
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = "bench",
            Suite = suite.Name,
            ProposalExpiryBlocks = 100,
            Members = [new GenesisMember { Id = "admin", Role = "admin", Keys = [new GenesisKey { Suite = suite.Name, PublicKey = signer.Public.ToArray() }] }],
            Nodes = [new GenesisNode { Id = "node-1", Address = "https://127.0.0.1:7051", Key = new GenesisKey { Suite = suite.Name, PublicKey = node.Public.ToArray() } }],
        };
        ulong nonce = 0;
        var builder = new TransactionBuilder(signer, genesis.ChainId, nonceSource: () => ++nonce);
        var hasher = new MerkleHasher(suite.Hash);
        var log = new CompactMerkleTree(hasher);
        var chain = new List<Block>(blockCount);
        var previousHash = new byte[suite.Hash.HashSizeBytes];
        var ok = new TransactionResult { Code = ResultCode.Ok };
        var root = new byte[suite.Hash.HashSizeBytes];
        for (var height = 1UL; height <= (ulong)blockCount; height++)
        {
            var block = new Block();
            var txTree = new CompactMerkleTree(hasher);
            for (var i = 0; i < txPerBlock; i++)
            {
                var transaction = builder.Build(TransactionType.Anchor, ByteString.CopyFrom(BitConverter.GetBytes(nonce)));
                var leaf = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(suite.Hash, transaction), ok, suite.Hash);
                txTree.AppendLeafHash(leaf);
                log.AppendLeafHash(leaf);
                block.Transactions.Add(transaction);
                block.Results.Add(ok);
            }

            txTree.ComputeRoot(root);
            var header = new BlockHeader
            {
                ChainId = genesis.ChainId, Height = height, PrevBlockHash = ByteString.CopyFrom(previousHash), TxRoot = ByteString.CopyFrom(root),
                LogSize = log.Size, TimestampUnixMs = 1_764_000_000_000 + (long)height, ProposerNodeId = "node-1", RaftTerm = 1, RaftIndex = height,
                TxCount = (uint)txPerBlock,
            };
            log.ComputeRoot(root);
            header.LogRoot = ByteString.CopyFrom(root);
            block.Header = header;
            previousHash = BlockHash.Compute(header, suite.Hash);
            chain.Add(block);
        }

        return (genesis, chain, signer);
    }
}
