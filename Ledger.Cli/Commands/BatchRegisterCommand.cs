using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ledger.Cli.Batches;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger batch-register</c>: anchors many items in BatchRegister transactions of
/// <c>--batch-size</c> items each, streaming the manifest (CSV or directory) in bounded memory with
/// up to <c>--in-flight</c> batches outstanding, writing one manifest per batch (from which any item's
/// proof can be rebuilt) and a journal that makes an interrupted run resume exactly once
/// (<see cref="BatchJournal"/>, <see cref="BatchRegisterRun"/>); one run at a time per manifest
/// directory (<see cref="BatchRunLock"/>).
/// </summary>
public static class BatchRegisterCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var input = new Argument<string>("MANIFEST") { Description = "CSV (item_id,content_sha256_hex[,phash_hex]; on sm2-sm3 a header naming content_sm3, e.g. item_id,content_sha256,content_sm3,phash) or a directory (every file is an item, hashed as the suite requires)" };
        var key = NodeCommands.KeyOption();
        var holder = new Option<string>("--holder") { Description = "Rights holder member id", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = $"Items per BatchRegister (1..{ManifestBounds.BatchSizeMax})", DefaultValueFactory = _ => ManifestBounds.BatchSizeDefault };
        var inFlight = new Option<int>("--in-flight") { Description = $"Batches submitted and not yet acknowledged at once (1..{ManifestBounds.InFlightMax})", DefaultValueFactory = _ => ManifestBounds.InFlightDefault };
        var manifests = new Option<string?>("--manifest-dir") { Description = "Where batch manifests and the resume journal go (default: MANIFEST.batches)" };
        var command = new Command("batch-register", "Anchor many items in Merkle batches (streamed, exactly-once resumable, with a progress bar)") { input, key, holder, batchSize, inFlight, manifests };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var size = parse.GetValue(batchSize);
            var outstanding = parse.GetValue(inFlight);
            if (ManifestBounds.CheckOptions(size, outstanding) is { } problem)
            {
                throw CliException.Usage(problem);
            }

            var source = parse.GetValue(input)!;
            CheckExists(source);
            var directory = parse.GetValue(manifests) ?? source.TrimEnd('/') + ".batches";
            // One run per manifest directory, before the journal is read: held until this process ends (or dies).
            using var runLock = BatchRunLock.Acquire(directory);
            var journal = BatchJournal.Open(directory);
            var holderId = parse.GetValue(holder)!;
            await using var client = ClientFactory.Create(parse, console);
            var builder = await NodeCommands.BuilderAsync(parse, key, client, cancellation).ConfigureAwait(false);
            CheckSuite(client, builder);
            using var reader = OpenReader(source, builder.Signer.Suite.Name);
            journal.CheckOrRecord(new RunIdentity(BatchJournal.FormatName, reader.Kind, size, holderId, MediaType.ProductListing.ToString(), builder.ChainId));
            var stopwatch = Stopwatch.StartNew();
            BatchRunSummary? summary = null;
            try
            {
                await ProgressRunner.RunAsync(console, "anchoring", reader.TotalUnits, reader.UnitsRead, async advance =>
                {
                    var reported = reader.UnitsRead;
                    var run = new BatchRegisterRun(reader, journal, new ClientBatchLedger(client), builder.BatchRegister, new BatchRunSettings(size, outstanding, MediaType.ProductListing, holderId, client.ChainHash))
                    {
                        Acknowledged = acknowledged =>
                        {
                            advance(reader.TotalUnits > 0 ? acknowledged.SourceUnitsRead - reported : acknowledged.ItemCount);
                            reported = acknowledged.SourceUnitsRead;
                        },
                    };
                    summary = await run.RunAsync(cancellation).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            catch (ManifestFormatException format)
            {
                throw CliException.InvalidInput($"{format.Message} (nothing after it was submitted: {journal.State.BatchesDone} batches, {journal.State.ItemsDone} items are anchored; fix the manifest and rerun to resume)");
            }

            var done = summary!;
            var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-3);
            console.Result(
                new JsonObject
                {
                    ["items"] = done.Items,
                    ["batches"] = done.Batches,
                    ["resumedAfterBatches"] = done.ResumedAfterBatches,
                    ["recoveredFromJournal"] = done.RecoveredFromJournal,
                    ["resubmitted"] = done.Resubmitted,
                    ["anchoredNow"] = done.AnchoredNow,
                    ["itemsPerSecond"] = done.AnchoredNow / seconds,
                    ["inFlight"] = outstanding,
                    ["manifestDir"] = directory,
                },
                $"anchored {done.AnchoredNow} items in {done.Batches - done.ResumedAfterBatches} batches ({done.AnchoredNow / seconds:F0} items/s, {outstanding} in flight); {done.Items} items in {done.Batches} batches total, manifests in {directory}"
                + (done.RecoveredFromJournal + done.Resubmitted > 0 ? $"; from the journal: {done.RecoveredFromJournal} found committed, {done.Resubmitted} resubmitted unchanged" : ""));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void CheckExists(string source)
    {
        if (!Directory.Exists(source) && !File.Exists(source))
        {
            throw CliException.NotFound($"manifest {source} does not exist");
        }
    }

    /// <summary>A directory or CSV manifest whose items carry the content hashes the consortium's suite requires (SM3 on sm2-sm3).</summary>
    private static IManifestReader OpenReader(string source, string suite) =>
        Directory.Exists(source) ? new DirectoryManifestReader(source, suite) : CsvManifestReader.Open(source, suite);

    /// <summary>
    /// The batch tree, its item proofs and the transaction hashes follow the consortium's suite
    /// (SM3 on sm2-sm3): refused before anything is signed when the client cannot know that suite
    /// (no genesis) or the key is of another suite — the ledger would reject every batch.
    /// </summary>
    private static void CheckSuite(Ledger.Client.LedgerClient client, Ledger.Client.Signing.TransactionBuilder builder)
    {
        var keySuite = builder.Signer.Suite;
        if (client.Genesis is { } genesis && genesis.Suite != keySuite.Name)
        {
            throw CliException.Usage($"the key is a {keySuite.Name} key, the consortium uses {genesis.Suite}");
        }

        if (client.Genesis is null && keySuite.Hash.Name != client.ChainHash.Name)
        {
            throw CliException.Usage($"a {keySuite.Name} consortium hashes its batch trees and transactions with {keySuite.Hash.Name}: give --genesis (or LEDGER_GENESIS)");
        }
    }
}
