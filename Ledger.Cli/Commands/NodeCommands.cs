using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client;
using Ledger.Client.Content;
using Ledger.Client.Signing;
using Ledger.Client.Verification;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Cli.Commands;

/// <summary>Commands that talk to a running node through <see cref="LedgerClient"/>.</summary>
public static class NodeCommands
{
    public static IEnumerable<Command> Create(CliEnvironment environment)
    {
        yield return Status(environment);
        yield return HealthCommand.Create(environment);
        yield return Watch(environment);
        yield return Get(environment);
        yield return Register(environment);
        yield return BatchRegisterCommand.Create(environment);
        foreach (var query in QueryCommands.Create(environment))
        {
            yield return query;
        }

        yield return ClaimCommands.Create(environment);
        yield return ClaimCommands.CreateJudgment(environment);
        yield return GovernanceCommands.Create(environment);
        foreach (var command in RegistryCommands.Create(environment))
        {
            yield return command;
        }
    }

    /// <summary>Largest key file read (a JSON key file is a few hundred bytes).</summary>
    public const int KeyFileBytesMax = 64 * 1024;

    internal static Option<string?> KeyOption() => new("--key", "-k") { Description = "Signer's JSON key file (or LEDGER_KEY, or the context's key)" };

    /// <summary>The signing key: <c>--key</c>, LEDGER_KEY or the context's (<see cref="CliSettings.Key"/>); read from disk only.</summary>
    internal static KeyPair LoadKey(ParseResult parse, Option<string?> keyOption)
    {
        var path = CliSettings.Key(parse, keyOption).Value;
        return KeyFile.Import(System.Text.Encoding.UTF8.GetString(Files.ReadAllBytes(path, KeyFileBytesMax, "key file")));
    }

    internal static async Task<TransactionBuilder> BuilderAsync(ParseResult parse, Option<string?> keyOption, LedgerClient client, CancellationToken cancellation) =>
        await BuilderAsync(LoadKey(parse, keyOption), client, cancellation).ConfigureAwait(false);

    internal static async Task<TransactionBuilder> BuilderAsync(KeyPair key, LedgerClient client, CancellationToken cancellation)
    {
        var chainId = client.Genesis?.ChainId ?? (await client.StatusAsync(cancellation).ConfigureAwait(false)).ChainId;
        return new TransactionBuilder(key, chainId);
    }

    /// <summary>
    /// The suite the local pre-check (<see cref="LocalRules"/>) applies: the trusted genesis's when one is
    /// given (flag, environment or context), else the signer key's (a member key is of the chain's suite).
    /// </summary>
    internal static string LocalSuite(ParseResult parse, KeyPair signer)
    {
        if (CliSettings.Genesis(parse, ClientFactory.Genesis).Value is { } path)
        {
            return ConsortiumGenesis.Parse(Files.ReadAllBytes(path, ConsortiumGenesis.DocumentBytesMax, "genesis")).Suite;
        }

        return signer.Suite.Name;
    }

    /// <summary>
    /// Makes <paramref name="command"/> sign one transaction built from its arguments, submit it and
    /// print the receipt with its status (<see cref="ReceiptLine"/>); exit code by <see cref="ExitCode"/>.
    /// The body is built, the key loaded and the body checked against the rules' stateless field check
    /// (<see cref="LocalRules"/>) before any connection, so a usage error or a body the ledger would
    /// refuse submits nothing. <paramref name="annotate"/> adds command-specific fields and lines to the output.
    /// </summary>
    internal static void SetSubmit(Command command, CliEnvironment environment, Option<string?> key, Func<ParseResult, (TransactionType Type, IMessage Body)> build, Action<CheckedReceipt, JsonObject, List<string>>? annotate = null)
    {
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var (type, body) = build(parse);
            var signer = LoadKey(parse, key);
            LocalRules.Check(type, body, LocalSuite(parse, signer));
            await using var client = await ClientFactory.CreateAsync(parse, console, cancellation).ConfigureAwait(false);
            var builder = await BuilderAsync(signer, client, cancellation).ConfigureAwait(false);
            var receipt = await client.SubmitAsync(builder.Build(type, body), cancellation).ConfigureAwait(false);
            var json = ReceiptJson(receipt);
            var lines = new List<string> { ReceiptLine(receipt) };
            annotate?.Invoke(receipt, json, lines);
            console.Result(json, [.. lines]);
            return ExitCode(receipt);
        });
    }

    /// <summary>
    /// <see cref="ExitCodes.Rejected"/> when the ledger recorded the transaction as rejected, else
    /// <see cref="ExitCodes.Ok"/> only for a receipt verified against a quorum-certified header,
    /// else <see cref="ExitCodes.NotCertified"/> (committed, not verified).
    /// </summary>
    internal static int ExitCode(CheckedReceipt receipt) =>
        receipt.Result?.Code != ResultCode.Ok ? ExitCodes.Rejected
        : receipt.IsVerified ? ExitCodes.Ok
        : ExitCodes.NotCertified;

    internal static JsonObject ReceiptJson(CheckedReceipt receipt) => new()
    {
        ["status"] = receipt.Status switch
        {
            ReceiptStatus.Verified => "verified",
            ReceiptStatus.CommittedNotCertified => "committed_not_certified",
            _ => "unverified",
        },
        ["certifiedBy"] = new JsonArray([.. receipt.CertifiedBy.Select(id => (JsonNode)id)]),
        ["statusDetail"] = receipt.Detail,
        ["txHash"] = Convert.ToHexStringLower(receipt.TxHash.Span),
        ["blockHeight"] = receipt.BlockHeight,
        ["position"] = receipt.Position,
        ["result"] = receipt.Result?.Code.ToString(),
        ["reason"] = receipt.Result?.Reason,
        ["logSize"] = receipt.Header?.LogSize,
        ["blockTimestampUnixMs"] = receipt.Header?.TimestampUnixMs,
    };

    /// <summary>"— inclusion verified (certified by …)" only for <see cref="ReceiptStatus.Verified"/>; otherwise it says what is missing.</summary>
    internal static string ReceiptLine(CheckedReceipt receipt) =>
        $"tx {Convert.ToHexStringLower(receipt.TxHash.Span)}: {receipt.Result?.Code} in block {receipt.BlockHeight} position {receipt.Position}{(string.IsNullOrEmpty(receipt.Result?.Reason) ? "" : $" ({receipt.Result.Reason})")} — {StatusText(receipt)}";

    private static string StatusText(CheckedReceipt receipt) => receipt.Status switch
    {
        ReceiptStatus.Verified => $"inclusion verified (certified by {string.Join(", ", receipt.CertifiedBy)})",
        ReceiptStatus.CommittedNotCertified => receipt.Detail,
        _ => $"committed in block {receipt.BlockHeight}, NOT verified: {receipt.Detail}",
    };

    private static Command Status(CliEnvironment environment)
    {
        var command = new Command("status", "Show a node's role, leader, heights and members");
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var status = await client.StatusAsync(cancellation).ConfigureAwait(false);
            console.Result(
                JsonNode.Parse(JsonFormatter.Default.Format(status))!,
                $"node {status.NodeId} ({status.Role}, term {status.Term}) on chain '{status.ChainId}' at {client.CurrentEndpoint}{(status.Fault.Length > 0 ? $"\nSTOPPED:   {status.Fault}" : "")}{(status.Recovering ? $"\nRECOVERING: {status.Recovery} (no vote, not counted toward commit until caught up)" : "")}",
                $"leader:    {status.LeaderId} {status.LeaderAddress}",
                $"height:    {status.Height} (certified {status.CertifiedHeight}), log size {status.LogSize}",
                $"raft:      commit {status.CommitIndex}, applied {status.AppliedIndex}",
                $"voters:    {string.Join(", ", status.Voters)}{(status.Learners.Count > 0 ? $"; learners {string.Join(", ", status.Learners)}" : "")}",
                $"software:  {(status.SoftwareVersion.Length > 0 ? status.SoftwareVersion : "(not reported)")}, storage format {status.StorageFormatVersion}, genesis sha256 {(status.GenesisSha256.Length > 0 ? status.GenesisSha256 : "(not reported)")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Watch(CliEnvironment environment)
    {
        var from = new Option<ulong>("--from") { Description = "First height to stream", DefaultValueFactory = _ => 1 };
        var count = new Option<ulong>("--count") { Description = "Stop after this many blocks (0 = follow forever)" };
        var command = new Command("watch", "Stream blocks as they are committed (one line per block; JSON lines with --output json)") { from, count };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var limit = parse.GetValue(count);
            ulong seen = 0;
            await foreach (var block in client.WatchAsync(parse.GetValue(from), cancellation).ConfigureAwait(false))
            {
                var header = block.Header;
                if (console.IsJson)
                {
                    console.Out.WriteLine(new JsonObject
                    {
                        ["height"] = header.Height, ["txCount"] = header.TxCount, ["logSize"] = header.LogSize,
                        ["timestampUnixMs"] = header.TimestampUnixMs, ["proposer"] = header.ProposerNodeId,
                        ["logRoot"] = Convert.ToHexStringLower(header.LogRoot.Span),
                    }.ToJsonString());
                }
                else
                {
                    console.Out.WriteLine($"block {header.Height}: {header.TxCount} tx, log size {header.LogSize}, {DateTimeOffset.FromUnixTimeMilliseconds(header.TimestampUnixMs):u} by {header.ProposerNodeId}");
                }

                if (limit != 0 && ++seen >= limit)
                {
                    break;
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CliEnvironment environment)
    {
        var tx = new Argument<string>("TX_HASH") { Description = "Transaction hash (hex)" };
        var command = new Command("get", "Fetch a transaction with its verified receipt") { tx };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = await ClientFactory.CreateAsync(parse, console, cancellation).ConfigureAwait(false);
            var hash = Hex.Parse(parse.GetValue(tx)!, "TX_HASH");
            var receipt = await client.GetReceiptAsync(hash, cancellation).ConfigureAwait(false);
            var response = await client.GetTransactionAsync(hash, includeReceipt: false, cancellation: cancellation).ConfigureAwait(false);
            var envelope = TransactionEnvelope.Parser.ParseFrom(response.Transaction.Envelope);
            var json = ReceiptJson(receipt);
            json["type"] = EvidenceVerifier.TypeName(envelope.Type);
            json["signerKeyId"] = Convert.ToHexStringLower(envelope.SignerKeyId.Span);
            json["nonce"] = envelope.Nonce;
            console.Result(json, ReceiptLine(receipt), $"type {EvidenceVerifier.TypeName(envelope.Type)}, signer key {Convert.ToHexStringLower(envelope.SignerKeyId.Span)}, nonce {envelope.Nonce}");
            return receipt.IsVerified ? ExitCodes.Ok : ExitCodes.NotCertified;
        });
        return command;
    }

    private static Command Register(CliEnvironment environment)
    {
        var files = new Argument<string[]>("FILE") { Description = "Files to register", Arity = ArgumentArity.OneOrMore };
        var key = KeyOption();
        var holder = new Option<string>("--holder") { Description = "Rights holder member id", Required = true };
        var title = new Option<string?>("--title") { Description = "Title (default: the file name)" };
        var phash = new Option<string?>("--phash")
        {
            Description = "64-bit perceptual hash (16 hex digits), overriding the one computed from a PNG/JPEG file (other files get none)",
        };
        var command = new Command("register", "Register works by content hash (SHA-256 and SM3 of the file; media type from the extension)") { files, key, holder, title, phash };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var signer = LoadKey(parse, key);
            var localSuite = LocalSuite(parse, signer);
            await using var client = await ClientFactory.CreateAsync(parse, console, cancellation).ConfigureAwait(false);
            var builder = await BuilderAsync(signer, client, cancellation).ConfigureAwait(false);
            var results = new JsonArray();
            var exitCode = ExitCodes.Ok;
            foreach (var path in parse.GetValue(files)!)
            {
                // Both hashes on every suite (ContentHashes says why); checked against the
                // consortium's rule before signing, so nothing the ledger would refuse for a
                // missing hash is sent.
                var contentHash = await ContentHashes.ComputeFileAsync(path, cancellation).ConfigureAwait(false);
                ContentHashes.EnsureAccepted(client.Genesis?.Suite ?? builder.Signer.Suite.Name, contentHash);
                var body = new RegisterWork
                {
                    ContentHash = contentHash,
                    MediaType = MediaTypes.FromPath(path),
                    Title = parse.GetValue(title) ?? Path.GetFileName(path),
                    RightsHolder = new RightsHolder { MemberId = parse.GetValue(holder)! },
                };
                if (parse.GetValue(phash) is { } hex)
                {
                    body.PerceptualHash = ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) && hex.Length == 16
                        ? value
                        : throw CliException.Usage("--phash must be 16 hex digits");
                }
                else if (ImageHashing.TryCompute(path) is { } computed)
                {
                    body.PerceptualHash = computed;
                }

                LocalRules.Check(TransactionType.RegisterWork, body, client.Genesis?.Suite ?? localSuite);

                var receipt = await client.SubmitAsync(builder.RegisterWork(body), cancellation).ConfigureAwait(false);
                // The worst outcome decides: rejected (7) over not certified (8) over verified (0).
                exitCode = ExitCode(receipt) switch
                {
                    ExitCodes.Rejected => ExitCodes.Rejected,
                    ExitCodes.NotCertified when exitCode == ExitCodes.Ok => ExitCodes.NotCertified,
                    _ => exitCode,
                };
                var json = ReceiptJson(receipt);
                json["file"] = path;
                json["contentSha256"] = Convert.ToHexStringLower(contentHash.Sha256.Span);
                json["contentSm3"] = Convert.ToHexStringLower(contentHash.Sm3.Span);
                if (body.HasPerceptualHash)
                {
                    json["phash"] = body.PerceptualHash.ToString("x16", CultureInfo.InvariantCulture);
                }

                results.Add(json);
                if (!console.IsJson)
                {
                    console.Out.WriteLine($"{path}: {ReceiptLine(receipt)}");
                }
            }

            if (console.IsJson)
            {
                console.Json(results);
            }

            return exitCode;
        });
        return command;
    }
}
