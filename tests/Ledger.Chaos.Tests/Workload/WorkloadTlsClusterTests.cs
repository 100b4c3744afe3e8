using Ledger.Chaos.History;
using Ledger.Chaos.Workload;
using Ledger.Client;
using Ledger.Consensus;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Workload;

/// <summary>The workload against a consortium whose nodes serve their public API over https (certificates from the consortium CA), as the chaos rig runs them.</summary>
public sealed class WorkloadTlsClusterTests
{
    [Test]
    public async Task RunAsync_HttpsEndpointsWithTheConsortiumCa_AcknowledgesRegistrationsThatAreInTheChain()
    {
        // Arrange: three nodes with mTLS between them and https public endpoints.
        using var consortium = new TestConsortium(3, withTls: true);
        var nodes = new List<InProcessNode>();
        var endpoints = new List<WorkloadNode>();
        for (var i = 0; i < consortium.Nodes.Count; i++)
        {
            var https = $"https://127.0.0.1:{consortium.Nodes[i].PublicPort}";
            nodes.Add(new InProcessNode(consortium.ArgumentsFor(i, ["--public-url", https]), https));
            endpoints.Add(new WorkloadNode(consortium.Nodes[i].NodeId, new Uri(https)));
        }

        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync();
            }

            await WaitForLeaderAsync(nodes);
            var caPem = await File.ReadAllTextAsync(consortium.CaPath!);
            var recorder = new HistoryRecorder();
            var workload = new ChaosWorkload(new WorkloadOptions
            {
                Nodes = endpoints,
                GenesisBytes = await File.ReadAllBytesAsync(consortium.GenesisPath),
                Signers = [new WorkloadSigner("platform-1", consortium.Platform)],
                TlsCaPem = caPem,
                RegistrationsPerSecond = 100,
                ClientCount = 2,
                ReaderCount = 1,
                ReadsPerSecond = 20,
                EvidenceExportsMax = 0,
            }, recorder);

            // Act
            var summary = await WorkloadTestSupport.RunForAsync(workload, TimeSpan.FromSeconds(4));

            // Assert: acknowledged, and each acknowledgement where its receipt said (read over https with the CA).
            await using var reader = new LedgerClient(new LedgerClientOptions { Endpoints = [.. endpoints.Select(e => e.PublicEndpoint)], TlsCaPem = caPem, VerifyResponses = false });
            var disagreements = new List<string>();
            foreach (var operation in recorder.Snapshot())
            {
                if (operation is { Kind: OperationKind.Register, Outcome: OutcomeKind.Ok }
                    && await WorkloadTestSupport.DisagreementWithChainAsync(height => reader.GetBlockAsync(height), operation) is { } disagreement)
                {
                    disagreements.Add(disagreement);
                }
            }

            Assert.Multiple(() =>
            {
                Assert.That(summary.Acknowledged, Is.GreaterThan(0), summary.ToString());
                Assert.That(summary.ReadsAnswered, Is.GreaterThan(0), summary.ToString());
                Assert.That(disagreements, Is.Empty);
            });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task WaitForLeaderAsync(List<InProcessNode> nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in nodes)
            {
                if (node.Node.RaftStatus.Role == RaftRole.Leader)
                {
                    return;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no leader was elected");
    }
}
