using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Cli.Audit;
using Ledger.Cli.Infrastructure;
using Ledger.Client;
using Ledger.Client.Audit;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger audit</c>: re-verify a node's whole chain — hash links, every transaction signature
/// against the member keys in force at its position, tx_root and log_root recomputed — and every
/// certified header's node signatures against the node set at its height (genesis plus the
/// governance changes the chain records before it). Exits 1 naming the first bad height.
/// </summary>
public static class AuditCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var genesisFile = new Option<string?>("--genesis-file") { Description = "Consortium genesis the chain is checked against (same as --genesis / LEDGER_GENESIS)" };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Audit a node's database instead of asking a node: the node's data directory as the node prints it (holding db/) or that db/ directory; opened read-only (nothing is written; the node may keep running), a directory without a ledger is refused",
        };
        var fromCheckpoint = new Option<string?>("--from-checkpoint") { Description = "Resume after a checkpoint written by --checkpoint-out (node mode)" };
        var checkpointOut = new Option<string?>("--checkpoint-out") { Description = "Write the verified state (height, block hash, log size and root) here: periodically during the audit, when it is cut off, and at its end (node mode)" };
        var checkpointInterval = new Option<int>("--checkpoint-interval") { Description = "Seconds between checkpoint writes during an audit (0: after every block)", DefaultValueFactory = _ => CheckpointIntervalSecondsDefault };
        var command = new Command("audit", "Re-verify every block of a chain; exits 1 naming the first bad height") { genesisFile, dataDir, fromCheckpoint, checkpointOut, checkpointInterval };
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesisPath = CliSettings.Genesis(parse, genesisFile, ClientFactory.Genesis).Value
                ?? throw CliException.Usage("audit needs the consortium genesis: --genesis-file FILE (or LEDGER_GENESIS, or a context's genesis)");
            var genesis = ConsortiumGenesis.Parse(Files.ReadAllBytes(genesisPath, ConsortiumGenesis.DocumentBytesMax, "genesis"));
            var auditor = new ChainAuditor(genesis);
            var checkpointPath = parse.GetValue(fromCheckpoint);
            var stopwatch = Stopwatch.StartNew();
            var resumedFrom = 0UL;
            string source;
            if (parse.GetValue(dataDir) is { } directory)
            {
                if (checkpointPath is not null)
                {
                    throw CliException.Usage("--from-checkpoint works against a node (--endpoint); a data dir is audited from height 1");
                }

                var database = StoreReader.ResolveDatabaseDirectory(directory);
                source = database;
                await ProgressRunner.RunAsync(console, "auditing blocks", StoreReader.TipHeight(database, genesis), 0, advance =>
                    Task.Run(() => StoreReader.Audit(database, genesis, auditor, blocks => advance(blocks)), cancellation)).ConfigureAwait(false);
            }
            else
            {
                await using var client = ClientFactory.Create(parse, console);
                source = client.CurrentEndpoint.ToString();
                var status = await client.StatusAsync(cancellation).ConfigureAwait(false);
                if (checkpointPath is not null)
                {
                    auditor = await ResumeAsync(client, genesis, checkpointPath, cancellation).ConfigureAwait(false);
                }

                resumedFrom = auditor.VerifiedHeight;
                var rate = new AuditRate(resumedFrom);
                var checkpoints = new PeriodicCheckpoint(parse.GetValue(checkpointOut), TimeSpan.FromSeconds(ArgumentChecks.RequireWithin(parse.GetValue(checkpointInterval), 0, CheckpointIntervalSecondsMax, "--checkpoint-interval")));
                try
                {
                    await ProgressRunner.RunAsync(
                        console,
                        "auditing",
                        status.Height,
                        auditor.VerifiedHeight,
                        advance => new EndpointAudit(client, auditor)
                        {
                            GroupAudited = group =>
                            {
                                rate.Observe(auditor.VerifiedHeight, auditor.TransactionsVerified);
                                advance(group.Count);
                            },
                            CheckpointDue = () => checkpoints.Due,
                            WriteCheckpointAsync = token => checkpoints.WriteAsync(auditor, token),
                        }.RunAsync(status.Height, cancellation),
                        () => rate.Describe(auditor.VerifiedHeight, status.Height)).ConfigureAwait(false);
                }
                catch (Exception) when (auditor.Failure is null)
                {
                    // Cut off (node gone after every retry, Ctrl-C): keep what was verified for --from-checkpoint.
                    await checkpoints.WriteAsync(auditor, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                // The node's latest certified header must be one the audit found certified.
                await new EndpointAudit(client, auditor).RequireLatestCertifiedAsync(resumedFrom, cancellation).ConfigureAwait(false);

                if (auditor.Failure is null)
                {
                    await checkpoints.WriteAsync(auditor, cancellation).ConfigureAwait(false);
                }
            }

            var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-3);
            var failure = auditor.Failure;
            var json = new JsonObject
            {
                ["source"] = source,
                ["chainId"] = genesis.ChainId,
                // The suite decides the signatures checked (SM2 on sm2-sm3) and the block, Merkle and
                // transaction hashes recomputed (SM3 on sm2-sm3).
                ["suite"] = genesis.Suite,
                ["chainHash"] = Ledger.Core.Crypto.CryptoSuites.Get(genesis.Suite).Hash.Name,
                ["verifiedHeight"] = auditor.VerifiedHeight,
                ["transactionsVerified"] = auditor.TransactionsVerified,
                ["txPerSecond"] = auditor.TransactionsVerified / seconds,
                ["blocksVerified"] = auditor.VerifiedHeight - resumedFrom,
                ["blocksPerSecond"] = (auditor.VerifiedHeight - resumedFrom) / seconds,
                ["seconds"] = seconds,
                ["resumedFromHeight"] = resumedFrom,
                ["certifiedBlocks"] = auditor.CertifiedBlocks,
                ["lastCertifiedHeight"] = auditor.LastCertifiedHeight,
                ["governanceChanges"] = auditor.Consortium.ChangesExecuted,
                ["activeNodes"] = auditor.Consortium.ActiveNodes.Count,
                ["passed"] = failure is null && auditor.VerifiedHeight > 0,
                // Nothing verified is no pass: a wrong directory or endpoint looks exactly like this.
                ["empty"] = auditor.VerifiedHeight == 0,
                ["firstBadHeight"] = failure?.Height,
                ["reason"] = failure?.Reason,
            };
            if (failure is not null)
            {
                console.Result(json, $"✗ block {failure.Height}: {failure.Reason} (blocks 1..{auditor.VerifiedHeight} verified)");
                return ExitCodes.VerificationFailed;
            }

            if (auditor.VerifiedHeight == 0)
            {
                console.Result(json, $"✗ nothing audited: {source} holds no blocks (0 blocks, 0 transactions verified); is it the node's data directory or endpoint?");
                return ExitCodes.NotFound;
            }

            var blocks = resumedFrom > 0 ? $"blocks {resumedFrom + 1}..{auditor.VerifiedHeight} (resumed after block {resumedFrom})" : $"{auditor.VerifiedHeight} blocks";
            console.Result(json, string.Create(CultureInfo.InvariantCulture, $"✓ {blocks}, {auditor.TransactionsVerified} transactions verified from {source} in {seconds:F1} s ")
                + string.Create(CultureInfo.InvariantCulture, $"({auditor.TransactionsVerified / seconds:F0} tx/s, {(auditor.VerifiedHeight - resumedFrom) / seconds:F0} blocks/s); ")
                + $"{auditor.CertifiedBlocks} blocks certified by a node quorum (last {auditor.LastCertifiedHeight}); {auditor.Consortium.ChangesExecuted} governance changes replayed, {auditor.Consortium.ActiveNodes.Count} active nodes; suite {genesis.Suite} ({Ledger.Core.Crypto.CryptoSuites.Get(genesis.Suite).Hash.Name} hashes)");
            return ExitCodes.Ok;
        });
        ClientFactory.AddConnectionOptions(command);
        return command;
    }

    private const int CheckpointIntervalSecondsDefault = 60;

    private const int CheckpointIntervalSecondsMax = 24 * 3600;

    private static async Task<ChainAuditor> ResumeAsync(Ledger.Client.LedgerClient client, ConsortiumGenesis genesis, string path, CancellationToken cancellation)
    {
        var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(await File.ReadAllTextAsync(path, cancellation).ConfigureAwait(false))
            ?? throw CliException.InvalidInput($"{path} is not an audit checkpoint");
        var hash = Ledger.Core.Crypto.CryptoSuites.Get(genesis.Suite).Hash;
        var block = await client.GetBlockAsync(checkpoint.Height, cancellation: cancellation).ConfigureAwait(false);
        if (Convert.ToHexStringLower(Ledger.Core.Blocks.BlockHash.Compute(block.Header, hash)) != checkpoint.BlockHash)
        {
            throw CliException.VerificationFailed($"block {checkpoint.Height} on the node is not the checkpointed block: the chain was rewritten");
        }

        if (checkpoint.LogSize == 0)
        {
            return ChainAuditor.FromCheckpoint(genesis, checkpoint, [], []);
        }

        // The last leaf of the checkpointed log sits in the newest block at or below it that has transactions.
        var height = checkpoint.Height;
        while (block.Transactions.Count == 0 && height > 1)
        {
            block = await client.GetBlockAsync(--height, cancellation: cancellation).ConfigureAwait(false);
        }

        var last = block.Transactions.Count - 1;
        var txHash = Ledger.Core.Signing.TransactionHashing.ComputeHash(hash, block.Transactions[last]);
        var proof = await client.GetInclusionProofAsync(txHash, checkpoint.LogSize, cancellation).ConfigureAwait(false);
        var leaf = Ledger.Core.Blocks.LogLeaf.MerkleLeafHash(txHash, block.Results[last], hash);
        return ChainAuditor.FromCheckpoint(genesis, checkpoint, leaf, [.. proof.Proof.Path.Select(p => p.ToByteArray())]);
    }
}
