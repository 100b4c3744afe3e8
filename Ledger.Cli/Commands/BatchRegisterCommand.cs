using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger batch-register</c>: anchors many items in BatchRegister transactions of
/// <c>--batch-size</c> items each, writing one manifest per batch (from which any item's proof can
/// be rebuilt) and a state file so an interrupted run resumes after the last committed batch.
/// </summary>
public static class BatchRegisterCommand
{
    public const int BatchSizeMax = BatchRegistration.ItemsMax;
    public const int ManifestLineBytesMax = 4096;

    public static Command Create(CliEnvironment environment)
    {
        var input = new Argument<string>("MANIFEST") { Description = "CSV (item_id,content_sha256_hex[,phash_hex]) or a directory (every file is an item)" };
        var key = NodeCommands.KeyOption();
        var holder = new Option<string>("--holder") { Description = "Rights holder member id", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = $"Items per BatchRegister (1..{BatchSizeMax})", DefaultValueFactory = _ => 10_000 };
        var manifests = new Option<string?>("--manifest-dir") { Description = "Where batch manifests and the resume state go (default: MANIFEST.batches)" };
        var command = new Command("batch-register", "Anchor many items in Merkle batches (resumable, with a progress bar)") { input, key, holder, batchSize, manifests };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var size = parse.GetValue(batchSize);
            if (size is < 1 or > BatchSizeMax)
            {
                throw CliException.Usage($"--batch-size must be 1..{BatchSizeMax}");
            }

            var source = parse.GetValue(input)!;
            var items = ReadItems(source);
            var directory = parse.GetValue(manifests) ?? source.TrimEnd('/') + ".batches";
            Directory.CreateDirectory(directory);
            var statePath = Path.Combine(directory, "state");
            var done = File.Exists(statePath) ? int.Parse(File.ReadAllText(statePath).Trim(), CultureInfo.InvariantCulture) : 0;
            var batches = (items.Count + size - 1) / size;
            await using var client = ClientFactory.Create(parse, console);
            var builder = await NodeCommands.BuilderAsync(parse, key, client, cancellation).ConfigureAwait(false);
            var stopwatch = Stopwatch.StartNew();
            var anchored = 0L;

            async Task RunAsync(Action<int> advance)
            {
                for (var b = done; b < batches; b++)
                {
                    var slice = items.Skip(b * size).Take(size).ToList();
                    var batch = BatchRegistration.Build(slice, MediaType.ProductListing, new RightsHolder { MemberId = parse.GetValue(holder)! }, client.ChainHash);
                    var transaction = builder.BatchRegister(batch);
                    var txHash = TransactionHashing.ComputeHash(client.ChainHash, transaction);
                    // The manifest is written before submitting: a crash after commit still leaves the proofs recoverable.
                    var manifestPath = Path.Combine(directory, $"batch-{b:D6}.jsonl");
                    await using (var writer = new StreamWriter(manifestPath))
                    {
                        BatchRegistration.WriteManifest(writer, batch, txHash);
                    }

                    var receipt = await client.SubmitAsync(transaction, cancellation).ConfigureAwait(false);
                    if (receipt.Result?.Code != ResultCode.Ok)
                    {
                        throw new CliException(ExitCodes.Rejected, $"batch {b} rejected: {receipt.Result?.Reason}");
                    }

                    await File.WriteAllTextAsync(statePath, (b + 1).ToString(CultureInfo.InvariantCulture), cancellation).ConfigureAwait(false);
                    anchored += slice.Count;
                    advance(slice.Count);
                }
            }

            await ProgressRunner.RunAsync(console, "anchoring", items.Count, Math.Min(items.Count, done * (double)size), advance => RunAsync(n => advance(n))).ConfigureAwait(false);

            var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-3);
            console.Result(
                new JsonObject { ["items"] = items.Count, ["batches"] = batches, ["resumedAfterBatches"] = done, ["anchoredNow"] = anchored, ["itemsPerSecond"] = anchored / seconds, ["manifestDir"] = directory },
                $"anchored {anchored} items in {batches - done} batches ({anchored / seconds:F0} items/s); {items.Count} items total, manifests in {directory}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<BatchItem> ReadItems(string source)
    {
        var items = new List<BatchItem>();
        if (Directory.Exists(source))
        {
            foreach (var path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(path);
                items.Add(new BatchItem { ItemId = Path.GetRelativePath(source, path), ContentSha256 = ByteString.CopyFrom(SHA256.HashData(stream)) });
            }

            return items;
        }

        var line = 0;
        foreach (var text in File.ReadLines(source))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text) || text.StartsWith('#') || (line == 1 && text.StartsWith("item_id", StringComparison.Ordinal)))
            {
                continue;
            }

            var fields = text.Split(',');
            if (fields.Length is < 2 or > 3 || text.Length > ManifestLineBytesMax)
            {
                throw CliException.InvalidInput($"{source}:{line}: expected item_id,content_sha256_hex[,phash_hex]");
            }

            var sha = Convert.FromHexString(fields[1].Trim());
            if (sha.Length != 32)
            {
                throw CliException.InvalidInput($"{source}:{line}: content hash must be 32 bytes of hex");
            }

            var item = new BatchItem { ItemId = fields[0].Trim(), ContentSha256 = ByteString.CopyFrom(sha) };
            if (fields.Length == 3 && fields[2].Trim().Length > 0)
            {
                item.PerceptualHash = ulong.Parse(fields[2].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            items.Add(item);
        }

        return items;
    }
}
