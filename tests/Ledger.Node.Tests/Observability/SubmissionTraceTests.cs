using System.Diagnostics;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;
using Ledger.Node.Tracing;

namespace Ledger.Node.Tests.Observability;

/// <summary>
/// A submission's spans from the door to the receipt (docs/observability.md, "Traces"): the submit span
/// with its door check and receipt, and the batch that carried it — linked to it — with its propose,
/// commit and apply stages.
/// </summary>
[NonParallelizable]
public sealed class SubmissionTraceTests
{
    [Test]
    public async Task Submit_WithAListener_RecordsTheConnectedSpanTreeFromDoorToReceipt()
    {
        using var recorder = new SpanRecorder();
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);

        var response = await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });
        var submit = recorder.Named(NodeTracing.SubmitSpan).Single(span => Equals(span.GetTagItem(NodeTracing.NodeTag), node.Node.NodeId));
        // The batch span ends on the apply thread once its entry is applied, which may be just after the answer left.
        await Eventually.WaitUntilAsync(() => BatchLinking(recorder, submit) is not null);
        var batch = BatchLinking(recorder, submit)!;

        Assert.Multiple(() =>
        {
            Assert.That(recorder.ChildOf(submit, NodeTracing.AdmitSpan).Status, Is.EqualTo(ActivityStatusCode.Unset), "the door check, inside the submission");
            Assert.That(recorder.ChildOf(submit, NodeTracing.ReceiptSpan).Status, Is.EqualTo(ActivityStatusCode.Unset), "the receipt, inside the submission");
            Assert.That(submit.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(batch.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a batch starts its own trace and links to its submissions");
            Assert.That(batch.GetTagItem(NodeTracing.TransactionsTag), Is.EqualTo(1));
            Assert.That(batch.GetTagItem(NodeTracing.RaftIndexTag), Is.EqualTo(response.Receipt.Header.RaftIndex), "the batch names the entry that became the receipt's block");
            foreach (var stage in new[] { NodeTracing.ProposeSpan, NodeTracing.CommitSpan, NodeTracing.ApplySpan })
            {
                Assert.That(recorder.ChildOf(batch, stage).Status, Is.EqualTo(ActivityStatusCode.Unset), stage);
            }
        });
    }

    [Test]
    public async Task Submit_ThroughAFollower_TheLeadersBatchLinksTheForwardedTransactionsToTheFollowersSpans()
    {
        using var recorder = new SpanRecorder();
        await using var cluster = await TestCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(node => !ReferenceEquals(node, leader));

        await follower.Client.SubmitAsync(new SubmitRequest { Transaction = cluster.Consortium.RegisterWork() });
        var submit = recorder.Named(NodeTracing.SubmitSpan).Single(span => Equals(span.GetTagItem(NodeTracing.NodeTag), follower.Node.NodeId));
        var forward = recorder.Named(NodeTracing.ForwardSpan).Single(span => span.Links.Any(link => link.Context.SpanId == submit.SpanId));
        await Eventually.WaitUntilAsync(() => AcceptedFrom(recorder, forward) is { } accepted && BatchLinking(recorder, accepted) is not null);
        var accepted = AcceptedFrom(recorder, forward)!;

        Assert.Multiple(() =>
        {
            Assert.That(forward.GetTagItem(NodeTracing.NodeTag), Is.EqualTo(follower.Node.NodeId));
            Assert.That(accepted.GetTagItem(NodeTracing.NodeTag), Is.EqualTo(leader.Node.NodeId), "the leader took the forwarded call");
            Assert.That(BatchLinking(recorder, accepted)!.GetTagItem(NodeTracing.NodeTag), Is.EqualTo(leader.Node.NodeId));
        });
    }

    [Test]
    public async Task Submit_WithoutAListener_StartsNoSpan()
    {
        Assume.That(NodeTracing.Source.HasListeners(), Is.False, "another listener is attached in this process");
        using var consortium = new TestConsortium(1);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
        await Eventually.WaitUntilAsync(() => node.Node.IsLeader);
        var traces = new BatchTraces(node.Node.NodeId);

        await node.Client.SubmitAsync(new SubmitRequest { Transaction = consortium.RegisterWork() });

        Assert.Multiple(() =>
        {
            Assert.That(traces.Start<int>([1, 2], _ => default), Is.Null, "no batch span without a listener");
            Assert.That(NodeTracing.StartSubmit(node.Node.NodeId, []), Is.Null);
        });
    }

    private static Activity? BatchLinking(SpanRecorder recorder, Activity submission) =>
        recorder.Named(NodeTracing.BatchSpan).SingleOrDefault(span => span.Links.Any(link => link.Context.TraceId == submission.TraceId && link.Context.SpanId == submission.SpanId));

    private static Activity? AcceptedFrom(SpanRecorder recorder, Activity forward) =>
        recorder.Named(NodeTracing.AcceptForwardedSpan).SingleOrDefault(span => span.TraceId == forward.TraceId && span.ParentSpanId == forward.SpanId);
}
