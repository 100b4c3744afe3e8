using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Cli.Batches;
using Ledger.Cli.Infrastructure;
using Ledger.Client.IntegrationTests.Support;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// Issue 18, <c>ledger batch-register</c> on a real three-node cluster: a stopped run resumes with the
/// remaining batches and no duplicates; a batch the ledger committed without the CLI seeing the
/// receipt is found by its journaled hash, never signed again; a resume with another manifest or batch
/// size is refused; a malformed line deep in the manifest stops it at the last good batch.
/// </summary>
public sealed class BatchRegisterClusterTests : ClusterFixture
{
    private const string SubmitPath = "/ledger.v1.LedgerApi/Submit";
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-batch-register-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task RunAsync_StoppedAfter30Of200Batches_ResumesWithTheOther170AndNoDuplicates()
    {
        var csv = WriteCsv("stopped", 2000);
        var manifests = Path.Combine(directory, "batches");
        var before = await HeightAsync();
        using var stop = new CancellationTokenSource();
        await using (var client = NewClient())
        {
            var first = NewRun(csv, manifests, client, inFlight: 4, acknowledged: a =>
            {
                if (a.Batch == 29)
                {
                    stop.Cancel();
                }
            });

            Assert.That(async () => await first.Run.RunAsync(stop.Token), Throws.InstanceOf<OperationCanceledException>());
            first.Reader.Dispose();
        }

        BatchRunSummary summary;
        await using (var client = NewClient())
        {
            var resumed = NewRun(csv, manifests, client, inFlight: 4);
            summary = await resumed.Run.RunAsync(CancellationToken.None);
            resumed.Reader.Dispose();
        }

        Assert.That(summary.ResumedAfterBatches, Is.EqualTo(30));
        Assert.That((summary.Batches, summary.Items), Is.EqualTo((200, 2000L)));
        Assert.That(summary.AnchoredNow, Is.EqualTo(1700));
        var committed = await BatchTransactionsSinceAsync(before);
        Assert.That(committed, Has.Count.EqualTo(200));
        Assert.That(committed.Values, Is.All.EqualTo("10 of 10 items registered"));
        Assert.That(committed.Keys, Is.EquivalentTo(ManifestTxHashes(manifests, 200)));
    }

    [Test]
    public async Task RunAsync_BatchCommittedButItsReceiptLost_ResumeFindsItByItsJournaledHashAndSignsNothingNew()
    {
        const int LostBatch = 6;
        var csv = WriteCsv("lost-ack", 200);
        var manifests = Path.Combine(directory, "batches");
        var before = await HeightAsync();
        using (var faulty = new InterceptingHandler())
        {
            // The node gets the 7th Submit and commits it; the CLI gets an error instead of the receipt.
            var submits = 0;
            faulty.Respond = async (request, forward) =>
            {
                if (request.RequestUri!.AbsolutePath != SubmitPath || Interlocked.Increment(ref submits) != LostBatch + 1)
                {
                    return await forward(request);
                }

                using var committed = await forward(request);
                await committed.Content.ReadAsByteArrayAsync();
                return InterceptingHandler.Status(request, 13);
            };
            await using var client = NewClient(handler: faulty);
            var first = NewRun(csv, manifests, client, inFlight: 1);

            Assert.That(async () => await first.Run.RunAsync(CancellationToken.None), Throws.InstanceOf<Grpc.Core.RpcException>());
            first.Reader.Dispose();
        }

        // Batch 6 unless a Submit before it was retried (each call counts): whichever batch lost its receipt.
        var lost = BatchJournal.Open(manifests).State.BatchesDone;
        BatchRunSummary summary;
        await using (var client = NewClient())
        {
            var resumed = NewRun(csv, manifests, client, inFlight: 4);
            summary = await resumed.Run.RunAsync(CancellationToken.None);
            resumed.Reader.Dispose();
        }

        Assert.That(lost, Is.LessThanOrEqualTo(LostBatch));
        Assert.That((summary.ResumedAfterBatches, summary.RecoveredFromJournal, summary.Resubmitted), Is.EqualTo((lost, 1, 0)), "the lost batch is found committed, neither resubmitted nor signed again");
        var committed = await BatchTransactionsSinceAsync(before);
        Assert.That(committed, Has.Count.EqualTo(20));
        Assert.That(committed.Values, Is.All.EqualTo("10 of 10 items registered"));
        Assert.That(committed.Keys, Is.EquivalentTo(ManifestTxHashes(manifests, 20)));
    }

    [Test]
    public void BatchRegister_ResumedWithAnotherBatchSizeOrManifest_IsRefusedAndSubmitsNothing()
    {
        var csv = WriteCsv("identity", 30);
        var other = WriteCsv("identity-other", 40);
        var manifests = Path.Combine(directory, "batches");
        var first = Cli(csv, manifests, "--batch-size", "10");

        var otherSize = Cli(csv, manifests, "--batch-size", "20");
        var otherManifest = Cli(other, manifests, "--batch-size", "10");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.ToString());
        Assert.That(otherSize.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), otherSize.ToString());
        Assert.That(otherSize.Error, Does.Contain("--batch-size was '10', now '20'"));
        Assert.That(otherManifest.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), otherManifest.ToString());
        Assert.That(otherManifest.Error, Does.Contain("the manifest is not the one this run"));
        Assert.That(File.Exists(Path.Combine(manifests, "batch-000003.jsonl")), Is.False);
    }

    [Test]
    public async Task BatchRegister_MalformedLineDeepInTheManifest_FailsWithFileAndLineAfterTheLastGoodBatch()
    {
        var csv = WriteCsv("malformed", 200);
        var lines = File.ReadAllLines(csv);
        lines[156] = "malformed-155,not-a-hash"; // line 157 (the header is line 1): item 155, in batch 15
        File.WriteAllLines(csv, lines);
        var manifests = Path.Combine(directory, "batches");
        var before = await HeightAsync();

        var run = Cli(csv, manifests, "--batch-size", "10", "--in-flight", "4");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.ToString());
        Assert.That(run.Error, Does.Contain($"{csv}:157: content hash must be 32 bytes of hex"));
        Assert.That(run.Error, Does.Contain("15 batches, 150 items are anchored"));
        Assert.That(run.Error, Does.Not.Contain("   at "));
        Assert.That(await BatchTransactionsSinceAsync(before), Has.Count.EqualTo(15));
        Assert.That(File.Exists(Path.Combine(manifests, "batch-000015.jsonl")), Is.False);
    }

    private string WriteCsv(string prefix, int count)
    {
        var path = Path.Combine(directory, prefix + ".csv");
        File.WriteAllLines(path, ["item_id,content_sha256_hex", .. Enumerable.Range(0, count).Select(i => $"{prefix}-{i},{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}")]);
        return path;
    }

    private (BatchRegisterRun Run, CsvManifestReader Reader) NewRun(string csv, string manifests, LedgerClient client, int inFlight, Action<BatchAcknowledgement>? acknowledged = null)
    {
        var reader = CsvManifestReader.Open(csv);
        var journal = BatchJournal.Open(manifests);
        var signer = Platform();
        journal.CheckOrRecord(new RunIdentity(BatchJournal.FormatName, reader.Kind, 10, "platform-1", MediaType.ProductListing.ToString(), signer.ChainId));
        var run = new BatchRegisterRun(reader, journal, new ClientBatchLedger(client), signer.BatchRegister, new BatchRunSettings(10, inFlight, MediaType.ProductListing, "platform-1", client.ChainHash))
        {
            Acknowledged = acknowledged,
        };
        return (run, reader);
    }

    private CliRun Cli(string csv, string manifests, params string[] options) =>
        LedgerCommand.Run(["batch-register", csv, "--key", PlatformKeyPath, "--holder", "platform-1", "--manifest-dir", manifests, .. options, .. ConnectionArguments()]);

    private async Task<ulong> HeightAsync()
    {
        await using var client = NewClient();
        return (await client.StatusAsync()).Height;
    }

    /// <summary>Every BatchRegister applied after <paramref name="height"/>: tx hash → result reason (the test class runs its tests one at a time).</summary>
    private async Task<Dictionary<string, string>> BatchTransactionsSinceAsync(ulong height)
    {
        await using var client = NewClient();
        var tip = (await client.StatusAsync()).Height;
        var found = new Dictionary<string, string>();
        for (var from = height + 1; from <= tip; from += 500)
        {
            await foreach (var block in client.GetBlocksAsync(from, Math.Min(tip, from + 499)))
            {
                for (var i = 0; i < block.Transactions.Count; i++)
                {
                    if (TransactionEnvelope.Parser.ParseFrom(block.Transactions[i].Envelope).Type == TransactionType.BatchRegister)
                    {
                        var result = block.Results[i];
                        var hash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(client.ChainHash, block.Transactions[i]));
                        var outcome = result.Code == ResultCode.Ok ? result.Reason : $"{result.Code}: {result.Reason}";
                        Assert.That(found.TryAdd(hash, outcome), Is.True, $"tx {hash} is in the chain twice: first '{found.GetValueOrDefault(hash)}', again in block {block.Header.Height} '{outcome}'");
                    }
                }
            }
        }

        return found;
    }

    private static List<string> ManifestTxHashes(string manifests, int batches) =>
        [.. Enumerable.Range(0, batches).Select(b => JsonDocument.Parse(File.ReadLines(Path.Combine(manifests, $"batch-{b:D6}.jsonl")).First()).RootElement.GetProperty("TxHash").GetString()!)];
}
