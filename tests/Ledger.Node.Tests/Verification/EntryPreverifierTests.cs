using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;
using Ledger.Node.Chain;
using Ledger.Node.Metrics;
using Ledger.Node.Tests.Support;
using Ledger.Node.Verification;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;

namespace Ledger.Node.Tests.Verification;

public sealed class EntryPreverifierTests
{
    [Test]
    public void Submit_EntryOfSignedAndForgedTransactions_GivesTheVerdictsInlineVerificationGives()
    {
        using var consortium = new TestConsortium(1);
        var (chain, state) = ChainAndState(consortium);
        var verdicts = new SignatureVerdicts();
        var metrics = new NodeMetrics();
        using var preverifier = new EntryPreverifier(chain, state, verdicts, metrics.SignatureChecks.WithLabels("preverify"));
        var genuine = consortium.RegisterWork();
        var toForge = consortium.RegisterWork();
        var forged = new SignedTransaction
        {
            Envelope = toForge.Envelope,
            Signature = ByteString.CopyFrom(SigningInput.Sign(consortium.Court, SigningContexts.TransactionSignature, consortium.ChainId, toForge.Envelope.Span)),
        };
        SignedTransaction[] transactions = [genuine, forged, .. Enumerable.Range(0, 10).Select(_ => consortium.RegisterWork())];
        var entry = EntryOf(7, 2, transactions);

        preverifier.Submit(new EntrySlice([entry]));
        var computed = verdicts.TakeEntryVerdicts(entry);

        Assert.That(computed, Is.Not.Null);
        var platformKey = consortium.Platform.Public;
        foreach (var transaction in transactions)
        {
            var verdict = computed![TransactionHashing.ComputeHash(chain.Hash, transaction)];
            Assert.That(verdict.IsValid, Is.EqualTo(TransactionSigning.Verify(platformKey, transaction, chain.ChainId)));
            Assert.That(verdict.AppliesTo(chain.ChainId, platformKey.Encoded), Is.True);
        }

        Assert.That(metrics.SignatureChecks.WithLabels("preverify").Value, Is.EqualTo(transactions.Length));
    }

    [Test]
    public void Submit_TransactionTheDoorAlreadyJudged_IsNotCheckedAgain()
    {
        using var consortium = new TestConsortium(1);
        var (chain, state) = ChainAndState(consortium);
        var verdicts = new SignatureVerdicts();
        var metrics = new NodeMetrics();
        using var preverifier = new EntryPreverifier(chain, state, verdicts, metrics.SignatureChecks.WithLabels("preverify"));
        var admitted = consortium.RegisterWork();
        var hash = TransactionHashing.ComputeHash(chain.Hash, admitted);
        verdicts.RecordDoorVerdict(hash, new Registry.Signatures.SignatureVerdict(chain.ChainId, consortium.Platform.Public.ToArray(), isValid: true));
        var entry = EntryOf(3, 1, [admitted]);

        preverifier.Submit(new EntrySlice([entry]));
        var computed = verdicts.TakeEntryVerdicts(entry);

        Assert.That(computed, Is.Empty);
        Assert.That(metrics.SignatureChecks.WithLabels("preverify").Value, Is.Zero);
        Assert.That(verdicts.TakeDoorVerdict(hash), Is.Not.Null, "apply takes the door's verdict");
    }

    [Test]
    public void TakeEntryVerdicts_ForTheSameIndexOfAnotherTerm_GivesNone()
    {
        using var consortium = new TestConsortium(1);
        var (chain, state) = ChainAndState(consortium);
        var verdicts = new SignatureVerdicts();
        using var preverifier = new EntryPreverifier(chain, state, verdicts, new NodeMetrics().SignatureChecks.WithLabels("preverify"));
        var persisted = EntryOf(5, 2, [consortium.RegisterWork()]);

        preverifier.Submit(new EntrySlice([persisted]));
        var replacedByNewLeader = EntryOf(5, 3, [consortium.RegisterWork()]);

        Assert.That(verdicts.TakeEntryVerdicts(replacedByNewLeader), Is.Null);
    }

    [Test]
    public void Submit_BeyondTheJobBound_IsLeftToInlineChecks_UntilApplyMovesPastTheWaitingJobs()
    {
        using var consortium = new TestConsortium(1);
        var (chain, state) = ChainAndState(consortium);
        var verdicts = new SignatureVerdicts();
        using var preverifier = new EntryPreverifier(chain, state, verdicts, new NodeMetrics().SignatureChecks.WithLabels("preverify"));
        var entries = Enumerable.Range(1, SignatureVerdicts.PreverifyJobsMax + 1).Select(i => new Entry(1, (ulong)i, EntryType.Normal, new byte[] { 0xFF })).ToArray();

        preverifier.Submit(new EntrySlice(entries));
        var pendingAtTheBound = verdicts.PendingJobCount;
        // Apply passes an index whose entry left no job (e.g. a snapshot was installed): everything up to it is stale.
        verdicts.TakeEntryVerdicts(new Entry(1, (ulong)SignatureVerdicts.PreverifyJobsMax + 5, EntryType.Normal, ReadOnlyMemory<byte>.Empty));
        // The worker's queue has the same bound as the jobs: until it has drained the first jobs, the
        // next entry is left to inline checks because the queue is full, not because of the job map.
        var drained = SpinWait.SpinUntil(() => preverifier.EntriesDone >= SignatureVerdicts.PreverifyJobsMax, TimeSpan.FromSeconds(60));
        Assert.That(drained, Is.True, "the worker drains the queued jobs");
        preverifier.Submit(new EntrySlice([new Entry(1, (ulong)SignatureVerdicts.PreverifyJobsMax + 6, EntryType.Normal, new byte[] { 0xFF })]));

        Assert.That(pendingAtTheBound, Is.EqualTo(SignatureVerdicts.PreverifyJobsMax));
        Assert.That(verdicts.PendingJobCount, Is.EqualTo(1));
    }

    private static (ChainContext Chain, MemoryRegistryState State) ChainAndState(TestConsortium consortium)
    {
        var chain = ChainContext.Load(consortium.GenesisPath);
        var state = new MemoryRegistryState();
        RegistryGenesis.Initialize(state, chain.Genesis, chain.RegistryOptions);
        return (chain, state);
    }

    private static Entry EntryOf(ulong index, ulong term, IReadOnlyList<SignedTransaction> transactions) =>
        new(term, index, EntryType.Normal, EntryBatchCodec.Encode(1_700_000_000_000, "node-1", [.. transactions.Select(TransactionHashing.EncodeLeaf)]));
}
