using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Audit;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger audit</c>: re-verify a node's whole chain — hash links, every transaction signature
/// against the genesis member keys, tx_root and log_root recomputed — and the latest certified
/// header's quorum signatures. Exits 1 naming the first bad height.
/// </summary>
public static class AuditCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var genesisFile = new Option<string?>("--genesis-file") { Description = "Consortium genesis the chain is checked against (same as --genesis / LEDGER_GENESIS)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Audit a stopped node's database instead of a running node" };
        var fromCheckpoint = new Option<string?>("--from-checkpoint") { Description = "Resume after a checkpoint written by --checkpoint-out (node mode)" };
        var checkpointOut = new Option<string?>("--checkpoint-out") { Description = "Write the verified state (height, block hash, log size and root) here" };
        var command = new Command("audit", "Re-verify every block of a chain; exits 1 naming the first bad height") { genesisFile, dataDir, fromCheckpoint, checkpointOut };
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesisPath = parse.GetValue(genesisFile) ?? parse.GetValue(ClientFactory.Genesis) ?? Environment.GetEnvironmentVariable("LEDGER_GENESIS")
                ?? throw CliException.Usage("audit needs the consortium genesis: --genesis FILE (or LEDGER_GENESIS)");
            var genesis = ConsortiumGenesis.Parse(Files.ReadAllBytes(genesisPath, ConsortiumGenesis.DocumentBytesMax, "genesis"));
            var auditor = new ChainAuditor(genesis);
            var checkpointPath = parse.GetValue(fromCheckpoint);
            var stopwatch = Stopwatch.StartNew();
            string source;
            string? certification = null;
            if (parse.GetValue(dataDir) is { } directory)
            {
                if (checkpointPath is not null)
                {
                    throw CliException.Usage("--from-checkpoint works against a node (--endpoint); a data dir is audited from height 1");
                }

                source = directory;
                StoreReader.Audit(directory, genesis, auditor);
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

                var first = auditor.VerifiedHeight + 1;
                await ProgressRunner.RunAsync(console, "auditing blocks", status.Height, auditor.VerifiedHeight, async advance =>
                {
                    await foreach (var block in client.GetBlocksAsync(first, status.Height, cancellation).ConfigureAwait(false))
                    {
                        if (!auditor.Append(block))
                        {
                            break;
                        }

                        advance(1);
                    }
                }).ConfigureAwait(false);

                if (auditor.Failure is null && auditor.VerifiedHeight > 0)
                {
                    var certified = await client.GetCertifiedHeaderAsync(0, cancellation).ConfigureAwait(false);
                    certification = CertifiedHeaderVerifier.Check(certified, genesis);
                    if (certification is null && certified.Header.Height == auditor.VerifiedHeight
                        && !Ledger.Core.Blocks.BlockHash.Compute(certified.Header, auditor.ChainHash).AsSpan().SequenceEqual(Ledger.Core.Blocks.BlockHash.Compute(auditor.LastHeader!, auditor.ChainHash)))
                    {
                        certification = $"certified header {certified.Header.Height} is not the audited block {auditor.VerifiedHeight}";
                    }
                }
            }

            var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-3);
            var failure = auditor.Failure;
            var json = new JsonObject
            {
                ["source"] = source,
                ["verifiedHeight"] = auditor.VerifiedHeight,
                ["transactionsVerified"] = auditor.TransactionsVerified,
                ["txPerSecond"] = auditor.TransactionsVerified / seconds,
                ["passed"] = failure is null && certification is null,
                ["firstBadHeight"] = failure?.Height,
                ["reason"] = failure?.Reason ?? certification,
            };
            if (failure is not null)
            {
                console.Result(json, $"✗ block {failure.Height}: {failure.Reason} (blocks 1..{auditor.VerifiedHeight} verified)");
                return ExitCodes.VerificationFailed;
            }

            if (certification is not null)
            {
                console.Result(json, $"✗ latest certified header: {certification}");
                return ExitCodes.VerificationFailed;
            }

            if (parse.GetValue(checkpointOut) is { } outPath && auditor.Checkpoint() is { } checkpoint)
            {
                await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(checkpoint) + "\n", cancellation).ConfigureAwait(false);
            }

            console.Result(json, $"✓ {auditor.VerifiedHeight} blocks, {auditor.TransactionsVerified} transactions verified from {source} ({auditor.TransactionsVerified / seconds:F0} tx/s)");
            return ExitCodes.Ok;
        });
        ClientFactory.AddConnectionOptions(command);
        return command;
    }

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
