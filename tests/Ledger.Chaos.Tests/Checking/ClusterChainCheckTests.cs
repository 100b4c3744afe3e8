using System.Diagnostics;
using Ledger.Chaos.Checking;
using Ledger.Client;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>
/// The checker against three real in-process nodes, reached through the SDK one node at a time:
/// registrations acknowledged by the cluster are found where their receipts say, the nodes agree,
/// their chain passes the audit, and an acknowledgement the chain does not back is caught.
/// </summary>
[NonParallelizable]
public sealed class ClusterChainCheckTests
{
    private const int Registrations = 5;

    [Test]
    public async Task CheckAsync_AcknowledgedByRealCluster_PassesThenCatchesAFalseAck()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var genesisBytes = await File.ReadAllBytesAsync(cluster.Consortium.GenesisPath);
        var history = new HistoryBuilder();
        await using (var client = new LedgerClient(new LedgerClientOptions { Endpoints = [.. cluster.Nodes.Select(n => new Uri(n.PublicUrl))], Genesis = ConsortiumGenesis.Parse(genesisBytes) }))
        {
            for (var i = 0; i < Registrations; i++)
            {
                var transaction = cluster.Consortium.RegisterWork();
                var invoked = Stopwatch.GetTimestamp();
                var receipt = (await client.SubmitAsync(transaction)).Receipt;
                history.Register(
                    Convert.ToHexStringLower(receipt.TxHash.Span),
                    invoked,
                    Stopwatch.GetTimestamp(),
                    work: WorkKeyOf(transaction),
                    height: receipt.BlockHeight,
                    position: (int)receipt.Position);
            }
        }

        await cluster.WaitForHeightAsync(history.Operations.Max(o => o.BlockHeight!.Value));
        var nodes = cluster.Consortium.Nodes.Select(n => (n.NodeId, n.PublicUrl)).ToList();
        using var runDirectory = new RunDirectory();

        var honest = await RunChecker.CheckAsync(history.Operations, nodes, cluster.Consortium.GenesisPath, runDirectory.Path);
        history.Operations[0] = history.Operations[0] with { Position = history.Operations[0].Position + 1 };
        var falseAck = await RunChecker.CheckAsync(history.Operations, nodes, cluster.Consortium.GenesisPath, runDirectory.Path);

        Assert.That(honest.Passed, Is.True, honest.ToText());
        Assert.That(honest.Acked, Is.EqualTo(Registrations));
        Assert.That(honest.NodeHeights, Has.Count.EqualTo(3));
        Assert.That(falseAck.Lost, Is.EqualTo(1), falseAck.ToText());
    }

    private static string WorkKeyOf(SignedTransaction transaction) =>
        Convert.ToHexStringLower(RegisterWork.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Body).ContentHash.Sha256.Span);

    private sealed class RunDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("chaos-cluster-check-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
