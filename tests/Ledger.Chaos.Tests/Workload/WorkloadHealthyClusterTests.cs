using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Chaos.History;
using Ledger.Chaos.Workload;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Workload;

/// <summary>One short workload run against a healthy three-node in-process cluster; each test reads one property off its history.</summary>
public sealed class WorkloadHealthyClusterTests
{
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(8);

    private TestCluster cluster = null!;
    private string runDirectory = null!;
    private WorkloadSummary summary = null!;
    private IReadOnlyList<Operation> history = null!;

    [OneTimeSetUp]
    public async Task RunTheWorkloadOnce()
    {
        cluster = await TestCluster.StartAsync(3);
        runDirectory = Directory.CreateTempSubdirectory("ledger-chaos-workload-").FullName;
        var recorder = new HistoryRecorder();
        var workload = new ChaosWorkload(WorkloadTestSupport.OptionsFor(cluster, runDirectory, evidenceExportsMax: 2), recorder);
        summary = await WorkloadTestSupport.RunForAsync(workload, RunLength);
        history = recorder.Snapshot();
        await cluster.WaitForHeightAsync(WorkloadTestSupport.HighestAcknowledgedBlock(history));
    }

    [OneTimeTearDown]
    public async Task StopTheCluster()
    {
        await cluster.DisposeAsync();
        Directory.Delete(runDirectory, recursive: true);
    }

    [Test]
    public void RunAsync_HealthyCluster_CompletesEveryRegistrationItInvokedNamingItsTransaction()
    {
        var registrations = 0;
        var open = 0;
        var withoutTheirTransaction = 0;
        foreach (var operation in history)
        {
            if (operation.Kind == OperationKind.Register)
            {
                registrations++;
                open += operation.CompletedAt is null ? 1 : 0;
                withoutTheirTransaction += operation.TransactionHash is { Length: 64 } ? 0 : 1;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(summary.Acknowledged, Is.GreaterThan(100), summary.ToString());
            Assert.That(registrations, Is.EqualTo(summary.Submitted));
            Assert.That(summary.Acknowledged + summary.Failed + summary.Unknown, Is.EqualTo(summary.Submitted));
            Assert.That(open, Is.Zero);
            Assert.That(withoutTheirTransaction, Is.Zero, "every registration names the transaction it sent, whatever its outcome");
            Assert.That(summary.InvalidReceipts, Is.Zero);
        });
    }

    [Test]
    public async Task RunAsync_HealthyCluster_RecordsEveryAcknowledgedRegistrationAtItsReceiptsBlockAndPosition()
    {
        var leader = await cluster.WaitForLeaderAsync();
        var disagreements = new List<string>();
        foreach (var operation in history)
        {
            if (operation is { Kind: OperationKind.Register, Outcome: OutcomeKind.Ok }
                && await WorkloadTestSupport.DisagreementWithChainAsync(leader, operation) is { } disagreement)
            {
                disagreements.Add(disagreement);
            }
        }

        Assert.That(disagreements, Is.Empty);
    }

    [Test]
    public async Task RunAsync_DeliberateDuplicates_AreRecordedAsCommittedRejectionsNamingTheFirstRegistration()
    {
        // Arrange: the acknowledged registration of each content hash.
        var leader = await cluster.WaitForLeaderAsync();
        var acknowledgedByContent = new Dictionary<string, string>();
        foreach (var operation in history)
        {
            if (operation is { Kind: OperationKind.Register, Outcome: OutcomeKind.Ok })
            {
                acknowledgedByContent[operation.WorkKey] = operation.TransactionHash!;
            }
        }

        // Act: every registration refused as a duplicate.
        var rejections = 0;
        var problems = new List<string>();
        foreach (var operation in history)
        {
            if (operation is not { Kind: OperationKind.Register, Outcome: OutcomeKind.Failed, ReferenceTransactionHash: { } reference })
            {
                continue;
            }

            rejections++;
            if (await WorkloadTestSupport.DisagreementWithChainAsync(leader, operation) is { } disagreement)
            {
                problems.Add(disagreement);
            }

            if (acknowledgedByContent.TryGetValue(operation.WorkKey, out var first) && first != reference)
            {
                problems.Add($"operation {operation.Id} names {reference} as the prior registration; {first} was acknowledged");
            }
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(summary.DeliberateDuplicates, Is.GreaterThan(0));
            Assert.That(rejections, Is.GreaterThan(0));
            Assert.That(problems, Is.Empty);
        });
    }

    [Test]
    public async Task RunAsync_Reads_RecordWhatTheNodeAnswered()
    {
        // A registration never changes, so the registration a node names now is the one any earlier answer had to name.
        var leader = await cluster.WaitForLeaderAsync();
        var api = new RegistryQuery.RegistryQueryClient(Grpc.Net.Client.GrpcChannel.ForAddress(leader.PublicUrl));
        var found = 0;
        var notRegistered = 0;
        var linearizable = 0;
        var problems = new List<string>();
        foreach (var operation in history)
        {
            if (operation.Kind is not (OperationKind.ReadLinearizable or OperationKind.ReadLocal) || operation.Outcome != OutcomeKind.Ok)
            {
                continue;
            }

            linearizable += operation.Kind == OperationKind.ReadLinearizable ? 1 : 0;
            var now = await CurrentRegistrationAsync(api, operation.WorkKey);
            if (operation.TransactionHash is { } answered)
            {
                found++;
                if (now is null || Convert.ToHexStringLower(now.RegisteredTxHash.Span) != answered
                    || now.RegisteredAt.Height != operation.BlockHeight || (int)now.RegisteredAt.Index != operation.Position)
                {
                    problems.Add($"read {operation.Id} recorded {answered} at {operation.BlockHeight}/{operation.Position}; the ledger holds {(now is null ? "nothing" : Convert.ToHexStringLower(now.RegisteredTxHash.Span))}");
                }
            }
            else
            {
                notRegistered++;
                if (operation.AsOfHeight is not { } asOf || (now is not null && now.RegisteredAt.Height <= asOf))
                {
                    problems.Add($"read {operation.Id} recorded 'not registered' as of {operation.AsOfHeight}; the work was registered in block {now?.RegisteredAt.Height}");
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.GreaterThan(0));
            Assert.That(linearizable, Is.GreaterThan(0));
            Assert.That(problems, Is.Empty);
        });
        TestContext.Out.WriteLine($"reads answered: {found} found, {notRegistered} not registered, {linearizable} linearizable");
    }

    [Test]
    public void RunAsync_EvidenceExports_WriteBundlesThatVerifyAgainstTheGenesis()
    {
        var genesisSha256 = SHA256.HashData(File.ReadAllBytes(cluster.Consortium.GenesisPath));
        var verdicts = new List<EvidenceVerdict>();
        var failures = new List<string>();
        foreach (var operation in history)
        {
            if (operation is { Kind: OperationKind.ExportEvidence, Outcome: not OutcomeKind.Ok })
            {
                failures.Add(operation.Error ?? "no error recorded");
            }

            if (operation is { Kind: OperationKind.ExportEvidence, Outcome: OutcomeKind.Ok, EvidencePath: { } path })
            {
                var bundle = EvidenceBundleJson.Parse(File.ReadAllBytes(path));
                Assert.That(Convert.ToHexStringLower(bundle.TransactionHash), Is.EqualTo(operation.TransactionHash));
                verdicts.Add(EvidenceVerifier.Verify(bundle, new EvidenceVerificationOptions { TrustedGenesisSha256 = genesisSha256 }).Verdict);
            }
        }

        Assert.That(verdicts, Is.Not.Empty.And.All.EqualTo(EvidenceVerdict.Valid), $"{summary}; failed exports: {string.Join(" | ", failures)}");
    }

    [Test]
    public async Task RunAsync_HistoryBoundReached_StopsOnItsOwnWithEveryRecordedOperationCompleted()
    {
        // Arrange
        const int bound = 40;
        var recorder = new HistoryRecorder(bound);
        var workload = new ChaosWorkload(WorkloadTestSupport.OptionsFor(cluster), recorder);
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        // Act: no cancellation but the safety net; the workload must stop by itself.
        var bounded = await workload.RunAsync(safety.Token);

        // Assert
        var open = 0;
        foreach (var operation in recorder.Snapshot())
        {
            open += operation.CompletedAt is null ? 1 : 0;
        }

        Assert.Multiple(() =>
        {
            Assert.That(safety.IsCancellationRequested, Is.False, "the workload should stop when the history is full");
            Assert.That(bounded.HistoryFull, Is.True);
            Assert.That(recorder.Count, Is.EqualTo(bound));
            Assert.That(bounded.Submitted + bounded.Reads + bounded.EvidenceExported + bounded.EvidenceFailed, Is.EqualTo(bound));
            Assert.That(open, Is.Zero);
        });
    }

    private static async Task<WorkRecord?> CurrentRegistrationAsync(RegistryQuery.RegistryQueryClient api, string workKey)
    {
        try
        {
            var request = new FindByContentHashRequest { Sha256 = ByteString.CopyFrom(Convert.FromHexString(workKey)), Consistency = ReadConsistency.Linearizable };
            return (await api.FindByContentHashAsync(request)).Work;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
