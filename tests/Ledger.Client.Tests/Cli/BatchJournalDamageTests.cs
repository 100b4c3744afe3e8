using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Batches;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Client.Signing;
using Ledger.Client.Tests.Support;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// A resume of <c>ledger batch-register</c> from a damaged or tampered journal (found by the batch-input fuzzer,
/// tests/Ledger.Fuzz batch-input): it refuses with the CLI's "journal damaged" error and signs or submits nothing,
/// rather than throwing a parser's exception, reading an oversized file, or committing a batch a second time.
/// The journal under test: batch 0 acknowledged, batch 1 committed by the ledger but its acknowledgement lost.
/// </summary>
public sealed class BatchJournalDamageTests
{
    private const int BatchSize = 2;
    private const int Batches = 4;
    private const string Holder = "platform-1";
    private static readonly IHashAlgorithm Hash = Sha256HashAlgorithm.Instance;

    private readonly TransactionBuilder signer = new(CryptoSuites.Ed25519.GenerateKeyPair(), TestChain.ChainId);
    private string directory = null!;
    private string manifest = null!;
    private string journalDirectory = null!;

    [SetUp]
    public void CreateDirectory()
    {
        directory = Directory.CreateTempSubdirectory("ledger-batch-damage-").FullName;
        manifest = Path.Combine(directory, "manifest.csv");
        journalDirectory = Path.Combine(directory, "journal-dir");
        File.WriteAllText(manifest, string.Concat(Enumerable.Range(0, Batches * BatchSize).Select(i => $"item-{i},{new string("0123456789abcdef"[i], 64)}\n")));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task RunAsync_EntryHoldingAnotherSignatureOfTheCommittedBatch_IsRefusedAndSubmitsNothing()
    {
        // Arrange: batch 1 signed anew (same items, new nonce) in its entry, the header's hash recomputed.
        var ledger = await JournalAfterLostAcknowledgementAsync();
        var resigned = signer.BatchRegister(BatchRegistration.Build(ManifestBatch(1), MediaType.ProductListing, new RightsHolder { MemberId = Holder }, Hash));
        RewriteEntry(1, resigned, header => header["TxHash"] = Convert.ToHexStringLower(TransactionHashing.ComputeHash(Hash, resigned)));
        var submitted = ledger.Submissions;

        // Act / Assert
        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged: batch 1's entry holds tx"));
        Assert.That(ledger.Submissions, Is.EqualTo(submitted));
        Assert.That(ledger.CommitsOfBatch(1), Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_StateAndEntryDeletedAfterBatchesWereCommitted_RefusesToSignThemAgain()
    {
        // Arrange: state.json and the entry gone (a restored backup): the journal looks like a fresh run.
        var ledger = await JournalAfterLostAcknowledgementAsync();
        File.Delete(Path.Combine(journalDirectory, "state.json"));
        File.Delete(Path.Combine(journalDirectory, "journal", "batch-000001.entry"));
        var submitted = ledger.Submissions;

        // Act / Assert
        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged: batch 0 was committed before"));
        Assert.That(ledger.Submissions, Is.EqualTo(submitted));
        Assert.That(ledger.CommitsOfBatch(0), Is.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_EntryWithOtherDetachedItems_IsRefusedAndSubmitsNothing()
    {
        // Arrange: the transaction hash does not cover the detached items, so the entry's hash still matches.
        var ledger = await JournalAfterLostAcknowledgementAsync();
        var (_, transaction) = BatchJournal.Open(journalDirectory).ReadEntry(1);
        var items = BatchRegistration.DetachedItemsOf(transaction);
        items.Items[0].ItemId = "not-in-the-manifest";
        transaction.DetachedItems = items.ToByteString();
        RewriteEntry(1, transaction, _ => { });
        var submitted = ledger.Submissions;

        // Act / Assert
        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<CliException>().With.Message.Contains("its detached items differ"));
        Assert.That(ledger.Submissions, Is.EqualTo(submitted));
    }

    [Test]
    public async Task RunAsync_EntryWithAnotherItemsEnd_IsRefused()
    {
        var ledger = await JournalAfterLostAcknowledgementAsync();
        var (_, transaction) = BatchJournal.Open(journalDirectory).ReadEntry(1);
        RewriteEntry(1, transaction, header => header["ItemsEnd"] = 1000);

        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<CliException>().With.Message.Contains("entry says the items end at 1000"));
    }

    [Test]
    public async Task RunAsync_TheUndamagedJournal_SettlesTheCommittedBatchAndFinishesWithEveryBatchCommittedOnce()
    {
        var ledger = await JournalAfterLostAcknowledgementAsync();

        var summary = await ResumeAsync(ledger);

        Assert.That((summary.Batches, summary.Items, summary.RecoveredFromJournal), Is.EqualTo((Batches, (long)Batches * BatchSize, 1)));
        Assert.That(Enumerable.Range(0, Batches).Select(ledger.CommitsOfBatch), Is.All.EqualTo(1));
    }

    [Test]
    public async Task Open_StateWithNegativeBatches_IsRefusedAsDamaged()
    {
        await JournalAfterLostAcknowledgementAsync();
        File.WriteAllText(Path.Combine(journalDirectory, "state.json"), """{"BatchesDone":-1,"ItemsDone":0,"SourceSha256":""}""");

        Assert.That(() => BatchJournal.Open(journalDirectory), Throws.InstanceOf<CliException>().With.Message.Contains("journal damaged").And.Message.Contains("negative counts"));
    }

    [Test]
    public async Task Open_StateFileBeyondItsBound_IsRefusedWithoutReadingIt()
    {
        await JournalAfterLostAcknowledgementAsync();
        using (var state = new FileStream(Path.Combine(journalDirectory, "state.json"), FileMode.Open, FileAccess.Write))
        {
            state.SetLength(ManifestBounds.JournalFileBytesMax + 1L);
        }

        Assert.That(() => BatchJournal.Open(journalDirectory), Throws.InstanceOf<CliException>().With.Message.Contains($"more than the {ManifestBounds.JournalFileBytesMax} allowed"));
    }

    [TestCase("batch-abc.entry")]
    [TestCase("batch-.entry")]
    [TestCase("batch-99999999999.entry")]
    public async Task PendingBatches_EntryFileWithAnOddName_IsRefusedAsDamaged(string name)
    {
        await JournalAfterLostAcknowledgementAsync();
        File.WriteAllText(Path.Combine(journalDirectory, "journal", name), "{}\n");
        var journal = BatchJournal.Open(journalDirectory);

        Assert.That(() => journal.PendingBatches(), Throws.InstanceOf<CliException>().With.Message.Contains("is not a journal entry's name"));
    }

    [Test]
    public async Task ReadEntry_SignedBytesCutShort_IsRefusedAsDamaged()
    {
        await JournalAfterLostAcknowledgementAsync();
        var path = Path.Combine(journalDirectory, "journal", "batch-000001.entry");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        var journal = BatchJournal.Open(journalDirectory);

        Assert.That(() => journal.ReadEntry(1), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged:").And.Message.Contains("does not parse"));
    }

    [Test]
    public async Task Open_RunFileWithADuplicateProperty_IsRefusedAsInvalidJsonByPosition()
    {
        await JournalAfterLostAcknowledgementAsync();
        var path = Path.Combine(journalDirectory, "run.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("{\"Format\":", "{\"Kind\":\"csv\",\"Format\":", StringComparison.Ordinal));

        Assert.That(() => BatchJournal.Open(journalDirectory), Throws.InstanceOf<CliException>().With.Message.StartsWith($"{path} is not valid JSON (line 1, byte "));
    }

    [Test]
    public async Task Open_StateFileWithADuplicateProperty_IsRefusedAsInvalidJson()
    {
        await JournalAfterLostAcknowledgementAsync();
        File.WriteAllText(Path.Combine(journalDirectory, "state.json"), """{"BatchesDone":1,"BatchesDone":3,"ItemsDone":2,"SourceSha256":""}""");

        Assert.That(() => BatchJournal.Open(journalDirectory), Throws.InstanceOf<CliException>().With.Message.Contains("state.json is not valid JSON (line 1,"));
    }

    [Test]
    public async Task ReadEntry_HeaderWithADuplicateTxHash_IsRefusedAsDamaged()
    {
        var ledger = await JournalAfterLostAcknowledgementAsync();
        var path = Path.Combine(journalDirectory, "journal", "batch-000001.entry");
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var header = Encoding.UTF8.GetString(bytes, 0, newline);
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("{\"TxHash\":\"" + new string('a', 64) + "\"," + header[1..]), .. bytes.AsSpan(newline)]);
        var journal = BatchJournal.Open(journalDirectory);
        var submitted = ledger.Submissions;

        Assert.That(() => journal.ReadEntry(1), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged:").And.Message.Contains("its header is not valid JSON (line 1,"));
        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged:"));
        Assert.That(ledger.Submissions, Is.EqualTo(submitted));
    }

    [Test]
    public async Task RecordedTxHash_BatchManifestWithADuplicateTxHash_IsRefusedAsDamaged()
    {
        await JournalAfterLostAcknowledgementAsync();
        var journal = BatchJournal.Open(journalDirectory);
        var path = journal.ManifestPath(0);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, "{\"TxHash\":\"" + new string('b', 64) + "\"," + text[1..]);

        Assert.That(() => journal.RecordedTxHash(0), Throws.InstanceOf<CliException>().With.Message.StartsWith("journal damaged:"));
    }

    /// <summary>Runs the manifest until batch 1 is committed and its acknowledgement lost; returns the ledger (now answering again).</summary>
    private async Task<CommittingLedger> JournalAfterLostAcknowledgementAsync()
    {
        var ledger = new CommittingLedger(Hash) { LoseAcknowledgementOfSubmission = 2 };
        Assert.That(async () => await ResumeAsync(ledger), Throws.InstanceOf<IOException>());
        ledger.LoseAcknowledgementOfSubmission = null;
        return ledger;
    }

    private async Task<BatchRunSummary> ResumeAsync(CommittingLedger ledger)
    {
        var journal = BatchJournal.Open(journalDirectory);
        journal.CheckOrRecord(new RunIdentity(BatchJournal.FormatName, "csv", BatchSize, Holder, MediaType.ProductListing.ToString(), TestChain.ChainId));
        using var reader = CsvManifestReader.Open(manifest);
        var run = new BatchRegisterRun(reader, journal, ledger, signer.BatchRegister, new BatchRunSettings(BatchSize, 1, MediaType.ProductListing, Holder, Hash));
        return await run.RunAsync(CancellationToken.None);
    }

    private List<BatchItem> ManifestBatch(int batch)
    {
        using var reader = CsvManifestReader.Open(manifest);
        for (var b = 0; b < batch; b++)
        {
            reader.ReadBatch([], BatchSize, skip: true);
        }

        var items = new List<BatchItem>();
        reader.ReadBatch(items, BatchSize, skip: false);
        return items;
    }

    private void RewriteEntry(int batch, SignedTransaction transaction, Action<JsonObject> changeHeader)
    {
        var path = Path.Combine(journalDirectory, "journal", $"batch-{batch:D6}.entry");
        var bytes = File.ReadAllBytes(path);
        var header = JsonNode.Parse(bytes.AsSpan(0, Array.IndexOf(bytes, (byte)'\n')))!.AsObject();
        changeHeader(header);
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(header.ToJsonString()), (byte)'\n', .. transaction.ToByteArray()]);
    }

    /// <summary>Commits what it is sent (once per transaction hash), counting commits per batch by the items' root.</summary>
    private sealed class CommittingLedger(IHashAlgorithm hash) : IBatchLedger
    {
        private readonly Dictionary<string, BatchCommit> committed = [];
        private readonly List<string> committedRoots = [];
        private readonly List<string> rootsInOrder = [];

        /// <summary>This submission (1-based) is committed, then its acknowledgement is lost.</summary>
        public int? LoseAcknowledgementOfSubmission { get; set; }

        public int Submissions { get; private set; }

        public int CommitsOfBatch(int batch) => batch < rootsInOrder.Count ? committedRoots.Count(r => r == rootsInOrder[batch]) : 0;

        public Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation) =>
            Task.FromResult(committed.TryGetValue(Convert.ToHexStringLower(txHash), out var commit) ? commit : null);

        public Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation)
        {
            Submissions++;
            var txHash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(hash, transaction));
            if (!committed.TryGetValue(txHash, out var commit))
            {
                commit = new BatchCommit((ulong)committed.Count + 1, ResultCode.Ok, "", Verified: true);
                committed[txHash] = commit;
                var root = Convert.ToHexStringLower(BatchRegister.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Body).MerkleRoot.Span);
                committedRoots.Add(root);
                if (!rootsInOrder.Contains(root))
                {
                    rootsInOrder.Add(root);
                }
            }

            return Submissions == LoseAcknowledgementOfSubmission
                ? Task.FromException<BatchCommit>(new IOException("connection lost after the commit"))
                : Task.FromResult(commit);
        }
    }
}
