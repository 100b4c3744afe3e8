using System.Collections.Concurrent;
using System.Diagnostics;
using Ledger.Node.Tracing;

namespace Ledger.Node.Tests.Observability;

/// <summary>Listens to the node's ActivitySource (every span recorded) and keeps the spans that ended.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener listener;
    private readonly ConcurrentQueue<Activity> stopped = new();

    public SpanRecorder()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NodeTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. stopped];

    public IEnumerable<Activity> Named(string name) => Stopped.Where(span => span.OperationName == name);

    /// <summary>The one ended span named <paramref name="name"/> whose parent is <paramref name="parent"/>.</summary>
    public Activity ChildOf(Activity parent, string name) =>
        Named(name).Single(span => span.TraceId == parent.TraceId && span.ParentSpanId == parent.SpanId);

    public void Dispose() => listener.Dispose();
}
