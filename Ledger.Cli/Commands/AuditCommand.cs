using System.CommandLine;
using System.Diagnostics;
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
        var genesisFile = new Option<string>("--genesis-file") { Description = "Consortium genesis the chain is checked against", Required = true };
        var dataDir = new Option<string?>("--data-dir") { Description = "Audit a stopped node's database (read-only) instead of a running node" };
        var command = new Command("audit", "Re-verify every block of a chain; exits 1 naming the first bad height") { genesisFile, dataDir, GlobalOptions.Endpoints };
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesis = ConsortiumGenesis.Parse(Files.ReadAllBytes(parse.GetValue(genesisFile)!, ConsortiumGenesis.DocumentBytesMax, "genesis"));
            var auditor = new ChainAuditor(genesis);
            var stopwatch = Stopwatch.StartNew();
            string source;
            string? certification = null;
            if (parse.GetValue(dataDir) is { } directory)
            {
                source = directory;
                StoreReader.Audit(directory, genesis, auditor);
            }
            else
            {
                await using var client = ClientFactory.Create(parse, console);
                source = client.CurrentEndpoint.ToString();
                var status = await client.StatusAsync(cancellation).ConfigureAwait(false);
                await foreach (var block in client.GetBlocksAsync(1, status.Height, cancellation).ConfigureAwait(false))
                {
                    if (!auditor.Append(block))
                    {
                        break;
                    }
                }

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

            console.Result(json, $"✓ {auditor.VerifiedHeight} blocks, {auditor.TransactionsVerified} transactions verified from {source} ({auditor.TransactionsVerified / seconds:F0} tx/s)");
            return ExitCodes.Ok;
        });
        ClientFactory.AddConnectionOptions(command);
        command.Options.Remove(GlobalOptions.Endpoints);
        return command;
    }
}
