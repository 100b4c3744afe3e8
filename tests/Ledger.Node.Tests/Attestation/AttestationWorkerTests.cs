using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Attestation;

/// <summary>Attestation work runs off the apply and peer threads, and still certifies every block.</summary>
public sealed class AttestationWorkerTests
{
    [Test]
    public async Task SingleNode_BlockApplied_IsCertifiedOnceTheWorkerHasCaughtUp()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0].Node;

        var receipt = (await cluster.Nodes[0].Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt;
        await node.AttestationWorker.DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var certified = node.Collector.GetCertified(receipt.BlockHeight);
        Assert.That(certified, Is.Not.Null, "the worker signed the block and a quorum of one certified it");
        Assert.That(certified!.Attestations, Has.Count.EqualTo(1));
        Assert.That(node.AttestationWorker.Fault, Is.Null);
    }

    [Test]
    public async Task ThreeNodes_EveryNodeCertifiesEveryBlock_NoAttestationDropped()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        ulong height = 0;
        for (var i = 0; i < 5; i++)
        {
            height = (await leader.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() })).Receipt.BlockHeight;
        }

        await cluster.WaitForHeightAsync(height);
        foreach (var node in cluster.Nodes)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (node.Node.Collector.CertifiedHeight < height && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.That(node.Node.Collector.CertifiedHeight, Is.GreaterThanOrEqualTo(height), $"{node.Node.NodeId} certified up to {node.Node.Collector.CertifiedHeight}");
            Assert.That(node.Node.AttestationWorker.Dropped, Is.Zero);
            Assert.That(node.Node.AttestationWorker.Fault, Is.Null);
        }
    }
}
