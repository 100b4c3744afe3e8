using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
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
            if (parse.GetValue(dataDir) is { } directory)
            {
                if (checkpointPath is not null)
                {
                    throw CliException.Usage("--from-checkpoint works against a node (--endpoint); a data dir is audited from height 1");
                }

                source = directory;
                await ProgressRunner.RunAsync(console, "auditing blocks", StoreReader.TipHeight(directory, genesis), 0, advance =>
                    Task.Run(() => StoreReader.Audit(directory, genesis, auditor, blocks => advance(blocks)), cancellation)).ConfigureAwait(false);
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
                    var group = new List<Block>();
                    var transactions = 0;
                    await foreach (var block in client.GetBlocksAsync(first, status.Height, cancellation).ConfigureAwait(false))
                    {
                        group.Add(block);
                        transactions += block.Transactions.Count;
                        if (transactions >= StoreReader.GroupTransactionsMax || group.Count >= CertifiedFetchesMax)
                        {
                            if (!await AuditGroupAsync(client, auditor, group, cancellation).ConfigureAwait(false))
                            {
                                return;
                            }

                            advance(group.Count);
                            group = [];
                            transactions = 0;
                        }
                    }

                    if (group.Count > 0 && await AuditGroupAsync(client, auditor, group, cancellation).ConfigureAwait(false))
                    {
                        advance(group.Count);
                    }
                }).ConfigureAwait(false);

                if (auditor.Failure is null && auditor.VerifiedHeight > 0)
                {
                    // The node's latest certified header must be one the audit found certified.
                    var latest = await FetchCertifiedAsync(client, 0, cancellation).ConfigureAwait(false);
                    if (latest is not null && latest.Header.Height <= auditor.VerifiedHeight)
                    {
                        auditor.RequireCertified(latest.Header.Height);
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
                ["certifiedBlocks"] = auditor.CertifiedBlocks,
                ["lastCertifiedHeight"] = auditor.LastCertifiedHeight,
                ["governanceChanges"] = auditor.Consortium.ChangesExecuted,
                ["activeNodes"] = auditor.Consortium.ActiveNodes.Count,
                ["passed"] = failure is null,
                ["firstBadHeight"] = failure?.Height,
                ["reason"] = failure?.Reason,
            };
            if (failure is not null)
            {
                console.Result(json, $"✗ block {failure.Height}: {failure.Reason} (blocks 1..{auditor.VerifiedHeight} verified)");
                return ExitCodes.VerificationFailed;
            }

            if (parse.GetValue(checkpointOut) is { } outPath && auditor.Checkpoint() is { } checkpoint)
            {
                await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(checkpoint) + "\n", cancellation).ConfigureAwait(false);
            }

            console.Result(json, $"✓ {auditor.VerifiedHeight} blocks, {auditor.TransactionsVerified} transactions verified from {source} ({auditor.TransactionsVerified / seconds:F0} tx/s); "
                + $"{auditor.CertifiedBlocks} blocks certified by a node quorum (last {auditor.LastCertifiedHeight}); {auditor.Consortium.ChangesExecuted} governance changes replayed, {auditor.Consortium.ActiveNodes.Count} active nodes");
            return ExitCodes.Ok;
        });
        ClientFactory.AddConnectionOptions(command);
        return command;
    }

    /// <summary>Certified headers fetched at once for one group of blocks.</summary>
    private const int CertifiedFetchesMax = 256;

    /// <summary>Audits a group of blocks with the node's certified headers for them (fetched concurrently).</summary>
    private static async Task<bool> AuditGroupAsync(Ledger.Client.LedgerClient client, ChainAuditor auditor, List<Block> group, CancellationToken cancellation)
    {
        var fetches = new Task<CertifiedHeader?>[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            fetches[i] = FetchCertifiedAsync(client, group[i].Header.Height, cancellation);
        }

        var certified = await Task.WhenAll(fetches).ConfigureAwait(false);
        var attestations = new IReadOnlyList<Attestation>?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            attestations[i] = certified[i]?.Attestations;
        }

        return auditor.Append(group, attestations);
    }

    /// <summary>The node's certified header at a height (0 = latest), unverified (the auditor checks it), or null when it has none.</summary>
    private static async Task<CertifiedHeader?> FetchCertifiedAsync(Ledger.Client.LedgerClient client, ulong height, CancellationToken cancellation)
    {
        try
        {
            var request = new GetCertifiedHeaderRequest { Height = height };
            return await client.InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException exception) when (exception.StatusCode == Grpc.Core.StatusCode.NotFound || NotCertifiedAnswer.Is(exception))
        {
            return null;
        }
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
