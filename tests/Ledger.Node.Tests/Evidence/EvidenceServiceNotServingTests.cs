using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Tests.Support;
using Ledger.Storage.Errors;

namespace Ledger.Node.Tests.Evidence;

/// <summary>A node that found damage in its own store serves no evidence, as it serves no other read (ThrowIfNotServing).</summary>
[NonParallelizable]
public sealed class EvidenceServiceNotServingTests
{
    [Test]
    public async Task ExportEvidence_AfterTheNodeFoundDamage_IsDataLossNotABundle()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Nodes[0];
        var transaction = cluster.Consortium.RegisterWork();
        var response = await node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
        await Eventually.WaitUntilAsync(() => node.Node.Collector.GetCertified(response.Receipt.BlockHeight) is not null);
        using var channel = GrpcChannel.ForAddress(node.PublicUrl);
        var evidence = new EvidenceApi.EvidenceApiClient(channel);
        var request = new ExportEvidenceRequest { TxHashHex = Convert.ToHexStringLower(TransactionHashing.ComputeHash(node.Node.Chain.Hash, transaction)) };
        await evidence.ExportEvidenceAsync(request);

        node.Node.Damage.Report(new StorageCorruptionException("block 1 failed its hash (planted by the test)", height: 1));
        var error = Assert.ThrowsAsync<RpcException>(async () => await evidence.ExportEvidenceAsync(request));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.DataLoss), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain("stopped serving"));
    }
}
