using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

/// <summary>
/// A submission that is accepted but cannot be applied (the leader lost its followers) is answered
/// DeadlineExceeded once the node's submit timeout passes, on the unary call and on the stream alike,
/// and stops being awaited.
/// </summary>
public sealed class SubmitDeadlineTests
{
    [Test]
    public async Task Submit_LeaderWithoutQuorum_DeadlineExceededAfterTheSubmitTimeout_UnaryAndStream()
    {
        // A 3 s election timeout keeps the isolated node leader while the submissions wait out their 400 ms.
        using var consortium = new TestConsortium(3);
        var nodes = Enumerable.Range(0, 3)
            .Select(i => new InProcessNode(consortium.ArgumentsFor(i, ["--Node:ElectionTicks=150", "--Node:SubmitTimeoutMilliseconds=400"]), consortium.Nodes[i].PublicUrl))
            .ToList();
        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync();
            }

            InProcessNode? leader = null;
            await Eventually.WaitUntilAsync(() => (leader = nodes.FirstOrDefault(n => n.Node.RaftStatus.Role == Ledger.Consensus.RaftRole.Leader)) is not null);
            foreach (var follower in nodes.Where(n => n != leader))
            {
                await follower.StopAsync();
            }

            var unary = Assert.ThrowsAsync<RpcException>(async () =>
                await leader!.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }));
            Assert.That(unary!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded), unary.Status.Detail);

            using var stream = leader!.Client.SubmitStream();
            await stream.RequestStream.WriteAsync(new SubmitRequest { CorrelationId = 7, Transaction = consortium.RegisterWork() });
            Assert.That(await stream.ResponseStream.MoveNext(CancellationToken.None), Is.True);
            var answer = stream.ResponseStream.Current;
            Assert.That((answer.CorrelationId, (StatusCode)answer.ErrorCode), Is.EqualTo((7UL, StatusCode.DeadlineExceeded)), answer.ErrorMessage);
            await stream.RequestStream.CompleteAsync();

            await Eventually.WaitUntilAsync(() => leader.Node.PendingReceipts.Count == 0);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
