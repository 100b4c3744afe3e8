using System.Diagnostics;
using Ledger.Node.Consensus;
using Ledger.Node.Tracing;

namespace Ledger.Node.Tests.Observability;

/// <summary>A leader's batch spans handed from the batcher to the Raft loop to the apply thread, and their bounds.</summary>
[NonParallelizable]
public sealed class BatchTracesTests
{
    private static readonly ActivityContext Submission = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    [Test]
    public void Stages_AppendedCommittedApplied_EndInOrderUnderTheBatch()
    {
        using var recorder = new SpanRecorder();
        var traces = new BatchTraces("node-a");

        var traced = traces.Start([Submission], context => context);
        traces.Appended(traced, Appended(index: 7, term: 2));
        traces.OnCommitted(5, 8);
        traces.OnApplied(7, 2);

        var batch = recorder.Named(NodeTracing.BatchSpan).Single();
        Assert.Multiple(() =>
        {
            Assert.That(batch.Links.Single().Context, Is.EqualTo(Submission));
            Assert.That(batch.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(recorder.Stopped.Select(span => span.OperationName), Is.EqualTo(new[] { NodeTracing.ProposeSpan, NodeTracing.CommitSpan, NodeTracing.ApplySpan, NodeTracing.BatchSpan }));
            Assert.That(recorder.Stopped.Where(span => span != batch).Select(span => span.ParentSpanId), Is.All.EqualTo(batch.SpanId));
            Assert.That(traces.InFlightCount, Is.Zero);
            Assert.That(Activity.Current, Is.Null, "no span is left current on the calling threads");
        });
    }

    [Test]
    public void OnApplied_EntryFromAnotherTerm_EndsTheBatchAsOverwritten()
    {
        using var recorder = new SpanRecorder();
        var traces = new BatchTraces("node-a");
        var traced = traces.Start([Submission], context => context);
        traces.Appended(traced, Appended(index: 7, term: 2));
        traces.OnCommitted(7, 7);

        traces.OnApplied(7, 3);

        var batch = recorder.Named(NodeTracing.BatchSpan).Single();
        Assert.That(batch.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(batch.StatusDescription, Does.Contain("overwritten"));
    }

    [Test]
    public void Start_MoreSubmissionsThanTheLinkBound_LinksTheFirstAndCountsTheRest()
    {
        using var recorder = new SpanRecorder();
        var traces = new BatchTraces("node-a");
        var submissions = Enumerable.Range(0, NodeTracing.BatchLinksMax + 5)
            .Select(_ => new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)).ToArray();

        var traced = traces.Start(submissions, context => context)!;
        BatchTraces.Dropped(traced, "test");

        Assert.That(traced.Batch.Links.Count(), Is.EqualTo(NodeTracing.BatchLinksMax));
        Assert.That(traced.Batch.GetTagItem(NodeTracing.LinksDroppedTag), Is.EqualTo(5));
    }

    [Test]
    public void Appended_BeyondTheInFlightBound_EndsTheBatchAtItsAppend()
    {
        using var recorder = new SpanRecorder();
        var traces = new BatchTraces("node-a");
        for (ulong index = 1; index <= BatchTraces.InFlightMax; index++)
        {
            traces.Appended(traces.Start([Submission], context => context), Appended(index, term: 1));
        }

        var extra = traces.Start([Submission], context => context)!;
        traces.Appended(extra, Appended(BatchTraces.InFlightMax + 1, term: 1));

        Assert.Multiple(() =>
        {
            Assert.That(traces.InFlightCount, Is.EqualTo(BatchTraces.InFlightMax));
            Assert.That(extra.Batch.IsStopped, Is.True);
            Assert.That(extra.Batch.GetTagItem("ledger.trace.truncated"), Is.EqualTo(true));
        });
    }

    [Test]
    public void Appended_TrackedEntriesAlreadyPassedByTheAppliedIndex_AreDroppedWhenTheBoundIsReached()
    {
        using var recorder = new SpanRecorder();
        var traces = new BatchTraces("node-a");
        for (ulong index = 1; index <= BatchTraces.InFlightMax; index++)
        {
            traces.Appended(traces.Start([Submission], context => context), Appended(index, term: 1));
        }

        // A snapshot carried this node past them: the next entry it applies is beyond every tracked one.
        traces.OnApplied(BatchTraces.InFlightMax + 10, 2);
        var next = traces.Start([Submission], context => context)!;
        traces.Appended(next, Appended(BatchTraces.InFlightMax + 11, term: 2));

        Assert.Multiple(() =>
        {
            Assert.That(traces.InFlightCount, Is.EqualTo(1), "only the new batch is tracked");
            Assert.That(next.Batch.IsStopped, Is.False);
            Assert.That(recorder.Named(NodeTracing.BatchSpan).Count(span => span.Status == ActivityStatusCode.Error), Is.EqualTo(BatchTraces.InFlightMax));
        });
    }

    [Test]
    public void EveryHook_NoListener_AllocatesNothing()
    {
        Assume.That(NodeTracing.Source.HasListeners(), Is.False, "another listener is attached in this process");
        var traces = new BatchTraces("node-a");
        IReadOnlyList<ActivityContext> batch = [Submission, Submission];
        Func<ActivityContext, ActivityContext> contextOf = context => context;
        var ticket = Appended(index: 3, term: 1);
        RunHooks(traces, batch, contextOf, ticket); // JIT and first-call work out of the way

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            RunHooks(traces, batch, contextOf, ticket);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);

        static void RunHooks(BatchTraces traces, IReadOnlyList<ActivityContext> batch, Func<ActivityContext, ActivityContext> contextOf, ProposalTicket ticket)
        {
            var traced = traces.Start(batch, contextOf);
            traces.Appended(traced, ticket);
            traces.OnCommitted(1, 10);
            traces.OnApplied(3, 1);
            BatchTraces.Dropped(traced, "test");
            NodeTracing.StartChild(NodeTracing.AdmitSpan)?.Dispose();
        }
    }

    private static ProposalTicket Appended(ulong index, ulong term)
    {
        var ticket = new ProposalTicket();
        ticket.MarkAppended(index, term);
        return ticket;
    }
}
