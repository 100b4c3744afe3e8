using System.Text;
using Ledger.Cli.Batches;
using Ledger.Client.Signing;
using Ledger.Client.Tests.Support;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Tests.Cli;

/// <summary>The batch-register pipeline against a fake ledger: bounded reading ahead, in-order acknowledgement, the journal's refusals.</summary>
public sealed class BatchRegisterRunTests
{
    private string directory = null!;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-batch-run-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task RunAsync_EndlessManifestAndNoAcknowledgements_ReadsNoMoreThanTheBatchesInFlight()
    {
        const int InFlight = 3;
        const int BatchSize = 10;
        var ledger = new HeldLedger();
        var reader = new CountingReader();
        var run = NewRun(reader, ledger, BatchSize, InFlight);
        using var stop = new CancellationTokenSource();

        var running = run.RunAsync(stop.Token);
        await ledger.WaitForSubmissionsAsync(InFlight);
        var readWithAllInFlight = reader.ItemsRead;
        ledger.CompleteOldest();
        await ledger.WaitForSubmissionsAsync(InFlight + 1);
        var readAfterOneAcknowledged = reader.ItemsRead;
        await stop.CancelAsync();

        Assert.That(readWithAllInFlight, Is.EqualTo(InFlight * BatchSize));
        Assert.That(readAfterOneAcknowledged, Is.EqualTo((InFlight + 1) * BatchSize));
        Assert.That(async () => await running, Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>
    /// The issue's fault: the node commits batch 27 of 100 and the CLI never learns it (the node ran out of disk
    /// before answering, or the CLI was stopped while waiting). The resumed run looks the journaled hash up, takes
    /// that commit, and signs nothing it signed before: every batch is signed once and committed once, and batch
    /// 27's manifest names the transaction that registered its items.
    /// </summary>
    [TestCase(Fault.ErrorAfterCommit)]
    [TestCase(Fault.StoppedAfterCommit)]
    public async Task RunAsync_FaultBetweenCommitAndAcknowledgementOfBatch27_ResumeFindsTheCommitAndSignsNothingTwice(Fault fault)
    {
        const int Batches = 100;
        const int BatchSize = 3;
        const int FaultyBatch = 27;
        var csv = string.Join('\n', Enumerable.Range(0, Batches * BatchSize).Select(i => $"sku-{i},{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"item {i}")))}"));
        var ledger = new CommittingLedger { FaultAtSubmission = FaultyBatch + 1, Fault = fault };
        var signatures = 0;
        using var stop = new CancellationTokenSource();
        ledger.Committed += () =>
        {
            if (fault == Fault.StoppedAfterCommit && ledger.CommitCount == FaultyBatch + 1)
            {
                stop.Cancel();
            }
        };

        using (var reader = new CsvManifestReader(new StringReader(csv), "items.csv", csv.Length))
        {
            var first = NewRun(reader, ledger, BatchSize, inFlight: 1, counted: () => signatures++);
            Assert.That(async () => await first.RunAsync(stop.Token), Throws.Exception, "the first run ends at the fault");
        }

        var acknowledgedBeforeResume = BatchJournal.Open(directory).State.BatchesDone;
        BatchRunSummary summary;
        using (var reader = new CsvManifestReader(new StringReader(csv), "items.csv", csv.Length))
        {
            summary = await NewRun(reader, ledger, BatchSize, inFlight: 4, counted: () => signatures++).RunAsync(CancellationToken.None);
        }

        Assert.That(acknowledgedBeforeResume, Is.EqualTo(FaultyBatch), "batch 27 was committed but not acknowledged");
        Assert.That((summary.ResumedAfterBatches, summary.RecoveredFromJournal, summary.Resubmitted), Is.EqualTo((FaultyBatch, 1, 0)));
        Assert.That((summary.Batches, summary.Items), Is.EqualTo((Batches, (long)(Batches * BatchSize))));
        Assert.That(signatures, Is.EqualTo(Batches), "each batch signed exactly once over both runs");
        Assert.That(ledger.CommitCount, Is.EqualTo(Batches), "each batch committed exactly once");
        Assert.That(ledger.Submissions, Is.EqualTo(Batches), "the committed batch 27 was not submitted again");
        var journal = BatchJournal.Open(directory);
        Assert.That(ledger.IsCommitted(journal.RecordedTxHash(FaultyBatch)!), Is.True, "batch 27's manifest names the transaction the ledger committed");
    }

    [Test]
    public void CheckOrRecord_OtherBatchSize_IsRefusedNamingBoth()
    {
        var journal = BatchJournal.Open(directory);
        journal.CheckOrRecord(Identity(batchSize: 10));

        var reopened = BatchJournal.Open(directory);

        Assert.That(() => reopened.CheckOrRecord(Identity(batchSize: 20)), Throws.InstanceOf<Ledger.Cli.Infrastructure.CliException>().With.Message.Contains("--batch-size was '10', now '20'"));
    }

    [Test]
    public void Open_DirectoryOfTheOldCounterFormat_IsRefused()
    {
        File.WriteAllText(Path.Combine(directory, "state"), "27");

        Assert.That(() => BatchJournal.Open(directory), Throws.InstanceOf<Ledger.Cli.Infrastructure.CliException>().With.Message.Contains("cannot be resumed exactly-once"));
    }

    private BatchRegisterRun NewRun(IManifestReader reader, IBatchLedger ledger, int batchSize, int inFlight, Action? counted = null)
    {
        var journal = BatchJournal.Open(directory);
        journal.CheckOrRecord(Identity(batchSize));
        var signer = new TransactionBuilder(Ledger.Core.Crypto.CryptoSuites.P256Sha256.GenerateKeyPair(), TestChain.ChainId);
        return new BatchRegisterRun(reader, journal, ledger, built =>
        {
            counted?.Invoke();
            return signer.BatchRegister(built);
        }, new BatchRunSettings(batchSize, inFlight, MediaType.ProductListing, "platform-1", Sha256HashAlgorithm.Instance));
    }

    public enum Fault
    {
        /// <summary>The submission fails after the node committed it (out of disk before the answer, a dropped connection).</summary>
        ErrorAfterCommit,

        /// <summary>The node commits it and the run is stopped before the answer arrives (Ctrl-C, or killed: the journal is the same).</summary>
        StoppedAfterCommit,
    }

    /// <summary>A ledger that commits each new transaction once (by hash) and answers lookups; one submission can be faulted after its commit.</summary>
    private sealed class CommittingLedger : IBatchLedger
    {
        private readonly Lock gate = new();
        private readonly Dictionary<string, BatchCommit> committed = [];
        private int submissions;

        public int FaultAtSubmission { get; init; }

        public Fault Fault { get; init; }

        public event Action? Committed;

        public int CommitCount
        {
            get
            {
                lock (gate)
                {
                    return committed.Count;
                }
            }
        }

        public int Submissions => Volatile.Read(ref submissions);

        public bool IsCommitted(string txHash)
        {
            lock (gate)
            {
                return committed.ContainsKey(txHash);
            }
        }

        public Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation)
        {
            lock (gate)
            {
                return Task.FromResult<BatchCommit?>(committed.GetValueOrDefault(Convert.ToHexStringLower(txHash)));
            }
        }

        public async Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation)
        {
            var number = Interlocked.Increment(ref submissions);
            var hash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction));
            BatchCommit commit;
            lock (gate)
            {
                Assert.That(committed.ContainsKey(hash), Is.False, $"tx {hash} submitted again after it was committed");
                commit = new BatchCommit((ulong)committed.Count + 1, ResultCode.Ok, "3 of 3 items registered", true);
                committed.Add(hash, commit);
            }

            Committed?.Invoke();
            if (number == FaultAtSubmission)
            {
                if (Fault == Fault.ErrorAfterCommit)
                {
                    throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.ResourceExhausted, "no space left on device"));
                }

                await Task.Delay(Timeout.Infinite, cancellation);
            }

            return commit;
        }
    }

    private static RunIdentity Identity(int batchSize) => new(BatchJournal.FormatName, "csv", batchSize, "platform-1", MediaType.ProductListing.ToString(), TestChain.ChainId);

    /// <summary>Never-ending generated items; counts those read.</summary>
    private sealed class CountingReader : IManifestReader
    {
        private int itemsRead;

        public int ItemsRead => Volatile.Read(ref itemsRead);

        public string Kind => "csv";

        public long TotalUnits => 0;

        public long UnitsRead => ItemsRead;

        public int ReadBatch(List<BatchItem> into, int count, bool skip)
        {
            for (var i = 0; i < count; i++)
            {
                var n = Interlocked.Increment(ref itemsRead);
                into.Add(new BatchItem { ItemId = $"item-{n}", ContentSha256 = Google.Protobuf.ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{n}"))) });
            }

            return count;
        }

        public string SourceDigestHex() => "";

        public void Dispose()
        {
        }
    }

    /// <summary>Holds every submission until the test completes it.</summary>
    private sealed class HeldLedger : IBatchLedger
    {
        private readonly Lock gate = new();
        private readonly Queue<TaskCompletionSource<BatchCommit>> held = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
        private int submissions;

        public Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation) => Task.FromResult<BatchCommit?>(null);

        public Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation)
        {
            var completion = new TaskCompletionSource<BatchCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellation.Register(() => completion.TrySetCanceled(cancellation));
            lock (gate)
            {
                held.Enqueue(completion);
                submissions++;
                foreach (var waiter in waiters.Where(w => submissions >= w.Count))
                {
                    waiter.Reached.TrySetResult();
                }
            }

            return completion.Task;
        }

        public Task WaitForSubmissionsAsync(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                if (submissions >= count)
                {
                    return Task.CompletedTask;
                }

                waiters.Add((count, reached));
            }

            return reached.Task;
        }

        public void CompleteOldest()
        {
            TaskCompletionSource<BatchCommit> oldest;
            lock (gate)
            {
                oldest = held.Dequeue();
            }

            oldest.SetResult(new BatchCommit(1, ResultCode.Ok, "10 of 10 items registered", false));
        }
    }
}
