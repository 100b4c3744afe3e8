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
        var dataDir = new Option<string?>("--data-dir") { Description = "Audit a stopped node's database instead of a running node" };
        var fromCheckpoint = new Option<string?>("--from-checkpoint") { Description = "Resume after a checkpoint written by --checkpoint-out (node mode)" };
        var checkpointOut = new Option<string?>("--checkpoint-out") { Description = "Write the verified state (height, block hash, log size and root) here: periodically during the audit, when it is cut off, and at its end (node mode)" };
        var checkpointInterval = new Option<int>("--checkpoint-interval") { Description = "Seconds between checkpoint writes during an audit (0: after every block)", DefaultValueFactory = _ => CheckpointIntervalSecondsDefault };
        var command = new Command("audit", "Re-verify every block of a chain; exits 1 naming the first bad height") { genesisFile, dataDir, fromCheckpoint, checkpointOut, checkpointInterval };
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesisPath = parse.GetValue(genesisFile) ?? parse.GetValue(ClientFactory.Genesis) ?? Environment.GetEnvironmentVariable("LEDGER_GENESIS")
                ?? throw CliException.Usage("audit needs the consortium genesis: --genesis FILE (or LEDGER_GENESIS)");
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
                        advance => AuditEndpointAsync(client, auditor, status.Height, checkpoints, rate, advance, cancellation),
                        () => rate.Describe(auditor.VerifiedHeight, status.Height)).ConfigureAwait(false);
                }
                catch (Exception) when (auditor.Failure is null)
                {
                    // Cut off (node gone after every retry, Ctrl-C): keep what was verified for --from-checkpoint.
                    await checkpoints.WriteAsync(auditor, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                if (auditor.Failure is null && auditor.VerifiedHeight > 0)
                {
                    // The node's latest certified header must be one the audit found certified (blocks before a
                    // resumed-from checkpoint were checked by the run that wrote it).
                    var latest = await FetchCertifiedAsync(client, 0, cancellation).ConfigureAwait(false);
                    if (latest is not null && latest.Header.Height > resumedFrom && latest.Header.Height <= auditor.VerifiedHeight)
                    {
                        auditor.RequireCertified(latest.Header.Height);
                    }
                }

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
                ["passed"] = failure is null,
                ["firstBadHeight"] = failure?.Height,
                ["reason"] = failure?.Reason,
            };
            if (failure is not null)
            {
                console.Result(json, $"✗ block {failure.Height}: {failure.Reason} (blocks 1..{auditor.VerifiedHeight} verified)");
                return ExitCodes.VerificationFailed;
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

    /// <summary>Certified headers fetched at once for one group of blocks.</summary>
    private const int CertifiedFetchesMax = 256;

    /// <summary>
    /// Block bytes (protobuf) held in one group before it is audited: with the one block the stream
    /// holds, what the audit buffers whatever the blocks' sizes (a block of bulk registrations runs to megabytes).
    /// </summary>
    private const long GroupBytesMax = 64L * 1024 * 1024;

    private const int CheckpointIntervalSecondsDefault = 60;

    private const int CheckpointIntervalSecondsMax = 24 * 3600;

    /// <summary>
    /// Streams blocks (first unverified height .. target) from the node in pages, audits them in groups
    /// bounded by transactions, blocks and bytes, and writes the checkpoint when it is due (the group
    /// is cut short for it). A dropped connection is resumed inside <see cref="Ledger.Client.LedgerClient.GetBlocksAsync"/>.
    /// </summary>
    private static async Task AuditEndpointAsync(Ledger.Client.LedgerClient client, ChainAuditor auditor, ulong targetHeight, PeriodicCheckpoint checkpoints, AuditRate rate, Action<double> advance, CancellationToken cancellation)
    {
        var group = new List<Block>();
        var transactions = 0;
        var bytes = 0L;
        var blocks = client.GetBlocksAsync(auditor.VerifiedHeight + 1, targetHeight, cancellation).GetAsyncEnumerator(cancellation);
        await using var blocksScope = blocks.ConfigureAwait(false);
        while (true)
        {
            try
            {
                if (!await blocks.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception exception) when (exception is LedgerUnavailableException or Grpc.Core.RpcException && !cancellation.IsCancellationRequested)
            {
                // The node stayed away past the client's retries: audit what arrived, so the checkpoint written on the way out covers it.
                if (group.Count > 0 && await AuditGroupAsync(client, auditor, group, cancellation).ConfigureAwait(false))
                {
                    rate.Observe(auditor.VerifiedHeight, auditor.TransactionsVerified);
                }

                throw;
            }

            var block = blocks.Current;
            group.Add(block);
            transactions += block.Transactions.Count;
            bytes += block.CalculateSize();
            if (transactions < StoreReader.GroupTransactionsMax && group.Count < CertifiedFetchesMax && bytes < GroupBytesMax && !checkpoints.Due)
            {
                continue;
            }

            if (!await AuditGroupAsync(client, auditor, group, cancellation).ConfigureAwait(false))
            {
                return;
            }

            rate.Observe(auditor.VerifiedHeight, auditor.TransactionsVerified);
            advance(group.Count);
            if (checkpoints.Due)
            {
                await checkpoints.WriteAsync(auditor, cancellation).ConfigureAwait(false);
            }

            group = [];
            transactions = 0;
            bytes = 0;
        }

        if (group.Count > 0 && await AuditGroupAsync(client, auditor, group, cancellation).ConfigureAwait(false))
        {
            rate.Observe(auditor.VerifiedHeight, auditor.TransactionsVerified);
            advance(group.Count);
        }
    }

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
