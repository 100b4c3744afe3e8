using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Services;
using Ledger.Node.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Node.Tests.Services;

/// <summary>
/// A client that opens a SubmitStream, writes as fast as it can and never reads an answer. Each request
/// carries a 4 KiB envelope the door refuses at once, so answers are ready immediately and only the
/// client's refusal to read holds them up. The node must stop reading at its window, keep serving
/// others, and (after the write deadline) reset the stream and free every slot.
/// </summary>
[NonParallelizable]
public sealed class SubmitStreamBoundsTests
{
    private const int WindowAnswers = 32;
    private const int RequestsOffered = 10_000;
    private const int EnvelopeBytes = 4 * 1024;

    /// <summary>Heap growth allowed while the client is stalled: well under what holding every offered request would take (~40 MiB).</summary>
    private const long HeapGrowthBytesMax = 16L * 1024 * 1024;

    [Test]
    public async Task SubmitStream_ClientNeverReads_NodeStopsReadingAtItsWindowAndServesOthers()
    {
        using var consortium = new TestConsortium(1);
        await using var node = await StartAsync(consortium, writeTimeoutMilliseconds: 600_000);
        var budget = node.Services.GetRequiredService<SubmitStreamBudget>();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        using var silentChannel = GrpcChannel.ForAddress(node.PublicUrl);
        using var silent = new LedgerApi.LedgerApiClient(silentChannel).SubmitStream();
        var sent = 0;
        using var stopSending = new CancellationTokenSource();
        var sender = SendGarbageAsync(silent, () => Interlocked.Increment(ref sent), stopSending.Token);
        await WaitUntilStalledAsync(() => Volatile.Read(ref sent), sender);
        var heapWhileStalled = GC.GetTotalMemory(forceFullCollection: true);
        var pendingWhileStalled = budget.PendingAnswers;

        TestContext.Out.WriteLine($"requests sent before the stall: {sent} of {RequestsOffered}; answers pending: {pendingWhileStalled}; heap growth: {(heapWhileStalled - heapBefore) / 1024} KiB");

        var served = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() }, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.LessThan(RequestsOffered), "the node stopped reading, so flow control stopped the client");
            Assert.That(pendingWhileStalled, Is.LessThanOrEqualTo(WindowAnswers), "answers in flight never exceed the stream's window");
            Assert.That(heapWhileStalled - heapBefore, Is.LessThan(HeapGrowthBytesMax), "managed heap after a full GC");
            Assert.That(served.Receipt, Is.Not.Null, "another client is served meanwhile");
        });
        await stopSending.CancelAsync();
    }

    [Test]
    public async Task SubmitStream_ClientNeverReadsPastTheWriteDeadline_StreamIsResetAndEverySlotFreed()
    {
        using var consortium = new TestConsortium(1);
        await using var node = await StartAsync(consortium, writeTimeoutMilliseconds: 1_000);
        var budget = node.Services.GetRequiredService<SubmitStreamBudget>();

        using var silentChannel = GrpcChannel.ForAddress(node.PublicUrl);
        using var silent = new LedgerApi.LedgerApiClient(silentChannel).SubmitStream();
        var sent = 0;
        var sender = SendGarbageAsync(silent, () => Interlocked.Increment(ref sent), CancellationToken.None);
        await Eventually.WaitUntilAsync(() => budget.PendingAnswers == 0 && budget.ConnectionsWithStreams == 0 && sender.IsCompleted);

        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.LessThan(RequestsOffered));
            Assert.That(sender.IsFaulted, Is.True, "the reset stream refuses further requests");
        });
    }

    private static async Task<InProcessNode> StartAsync(TestConsortium consortium, int writeTimeoutMilliseconds)
    {
        var node = new InProcessNode(
            consortium.ArgumentsFor(0, [
                $"--Node:Api:SubmitStreamAnswersMax={WindowAnswers}",
                $"--Node:Api:ResponseWriteTimeoutMilliseconds={writeTimeoutMilliseconds}",
            ]),
            consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        return node;
    }

    private static async Task SendGarbageAsync(AsyncDuplexStreamingCall<SubmitRequest, SubmitResponse> call, Action onSent, CancellationToken cancellationToken)
    {
        var garbage = new SubmitRequest { Transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(new byte[EnvelopeBytes]) } };
        for (var i = 0; i < RequestsOffered; i++)
        {
            garbage.CorrelationId = (ulong)i;
            await call.RequestStream.WriteAsync(garbage, cancellationToken);
            onSent();
        }
    }

    /// <summary>Until the sender finished or made no progress for a second (bounded; no speed is asserted).</summary>
    private static async Task WaitUntilStalledAsync(Func<int> progress, Task sender)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = -1;
        while (DateTime.UtcNow < deadline && !sender.IsCompleted)
        {
            var now = progress();
            if (now > 0 && now == last)
            {
                return;
            }

            last = now;
            await Task.Delay(1_000);
        }
    }
}
