using System.Text;
using Ledger.Cli.Batches;
using Ledger.Client.Signing;
using Ledger.Client.Tests.Support;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

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

    private BatchRegisterRun NewRun(IManifestReader reader, IBatchLedger ledger, int batchSize, int inFlight)
    {
        var journal = BatchJournal.Open(directory);
        journal.CheckOrRecord(Identity(batchSize));
        var signer = new TransactionBuilder(Ledger.Core.Crypto.CryptoSuites.P256Sha256.GenerateKeyPair(), TestChain.ChainId);
        return new BatchRegisterRun(reader, journal, ledger, signer.BatchRegister, new BatchRunSettings(batchSize, inFlight, MediaType.ProductListing, "platform-1", Sha256HashAlgorithm.Instance));
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
