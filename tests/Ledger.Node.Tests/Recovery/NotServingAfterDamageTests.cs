using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;
using Ledger.Storage.Errors;

namespace Ledger.Node.Tests.Recovery;

/// <summary>
/// Once a node has found damage on its own disk it serves nothing from it until it has repaired itself: every
/// public read answers DATA_LOSS, not only the reads that go through the submission path.
/// </summary>
[NonParallelizable]
public sealed class NotServingAfterDamageTests
{
    [Test]
    public async Task EveryPublicRead_AfterDamageWasFound_AnswersDataLoss()
    {
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        // A submission before the node elected itself answers "no leader is known" (CI, 2026-12-07).
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        var accepted = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var txHash = accepted.Receipt.TxHash;

        node.Node.Damage.Report(new StorageCorruptionException("block 1 failed its hash (planted by the test)", height: 1));

        var client = node.Client;
        var calls = new (string Name, Func<Task> Call)[]
        {
            ("GetBlock", async () => await client.GetBlockAsync(new GetBlockRequest { Height = 1 })),
            ("GetTransaction", async () => await client.GetTransactionAsync(new GetTransactionRequest { TxHash = txHash })),
            ("GetBlocks", async () => await DrainAsync(client.GetBlocks(new GetBlocksRequest { FromHeight = 1, ToHeight = 1 }))),
            ("GetInclusionProof", async () => await client.GetInclusionProofAsync(new GetInclusionProofRequest { TxHash = txHash })),
            ("GetConsistencyProof", async () => await client.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = 1 })),
            ("GetCertifiedHeader", async () => await client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = 1 })),
            ("GetCheckpoint", async () => await client.GetCheckpointAsync(new GetCheckpointRequest())),
            ("Watch", async () => await DrainAsync(client.Watch(new WatchRequest { FromHeight = 1 }))),
        };

        Assert.Multiple(() =>
        {
            foreach (var (name, call) in calls)
            {
                var refused = Assert.ThrowsAsync<RpcException>(async () => await call(), name);
                Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.DataLoss), $"{name}: {refused.Status.Detail}");
            }
        });
    }

    private static async Task DrainAsync(AsyncServerStreamingCall<Block> call)
    {
        using (call)
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
    }
}
