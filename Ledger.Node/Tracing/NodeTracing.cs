using System.Diagnostics;
using Grpc.Core;

namespace Ledger.Node.Tracing;

/// <summary>
/// The node's one <see cref="ActivitySource"/> and the spans of a submission's way through the write path:
/// <list type="bullet">
/// <item><c>ledger.submit</c> (the public Submit call; a child of the caller's trace when the request carries one),
/// with children <c>ledger.admit</c> (the door: decoding, signer, signature, nonce) and <c>ledger.receipt</c>
/// (the inclusion proof once applied);</item>
/// <item><c>ledger.batch</c> on the leader, a root with a link to each submission it carries (at most
/// <see cref="BatchLinksMax"/>), and its children <c>ledger.propose</c> (pacing until appended to the leader's log),
/// <c>ledger.commit</c> (appended until committed: replication to a quorum) and <c>ledger.apply</c> (committed until
/// the block is written, apply queue included);</item>
/// <item><c>ledger.forward</c> on a follower (its batch sent to the leader; links to the submissions) and
/// <c>ledger.accept_forwarded</c> on the leader (a child of the follower's span through the call's traceparent).</item>
/// </list>
/// Nothing is allocated for tracing when no listener is attached (no OpenTelemetry exporter configured):
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null then, and every helper here
/// checks <see cref="ActivitySource.HasListeners"/> before building links or tags.
/// </summary>
public static class NodeTracing
{
    /// <summary>The ActivitySource name an OpenTelemetry pipeline subscribes to.</summary>
    public const string SourceName = "Ledger.Node";

    public const string SubmitSpan = "ledger.submit";
    public const string AdmitSpan = "ledger.admit";
    public const string ReceiptSpan = "ledger.receipt";
    public const string BatchSpan = "ledger.batch";
    public const string ProposeSpan = "ledger.propose";
    public const string CommitSpan = "ledger.commit";
    public const string ApplySpan = "ledger.apply";
    public const string ForwardSpan = "ledger.forward";
    public const string AcceptForwardedSpan = "ledger.accept_forwarded";

    /// <summary>Tag naming the node that recorded a span (several nodes share one process in tests).</summary>
    public const string NodeTag = "ledger.node";

    /// <summary>Links a batch span carries at most (a batch holds up to thousands of submissions); the rest are counted in <see cref="LinksDroppedTag"/>.</summary>
    public const int BatchLinksMax = 128;

    public const string TransactionsTag = "ledger.batch.transactions";
    public const string LinksDroppedTag = "ledger.batch.links_dropped";
    public const string RaftIndexTag = "ledger.raft.index";
    public const string RaftTermTag = "ledger.raft.term";

    public static readonly ActivitySource Source = new(SourceName, typeof(NodeTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one public Submit call (null when nobody listens): a child of the current span
    /// when the host made one for the request, else of the trace context the caller sent (W3C
    /// <c>traceparent</c>), else a root.
    /// </summary>
    public static Activity? StartSubmit(string nodeId, Metadata requestHeaders)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = Activity.Current is null ? RemoteParent(requestHeaders) : default;
        var activity = Source.StartActivity(SubmitSpan, ActivityKind.Server, parent);
        activity?.SetTag(NodeTag, nodeId);
        return activity;
    }

    /// <summary>
    /// Starts a follower's <c>ledger.forward</c> span: a root linked to the submissions it carries, current
    /// for the rest of the caller's async flow so the Forward call carries its traceparent. Null when nobody listens.
    /// </summary>
    public static Activity? StartForward<T>(IReadOnlyList<T> transactions, Func<T, ActivityContext> contextOf, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (!Source.HasListeners())
        {
            return null;
        }

        var links = LinksTo(transactions, contextOf, out var dropped);
        Activity.Current = null;
        var activity = Source.StartActivity(ForwardSpan, ActivityKind.Client, default(ActivityContext), tags: null, links);
        activity?.SetTag(NodeTag, nodeId);
        activity?.SetTag(TransactionsTag, transactions.Count);
        if (dropped > 0)
        {
            activity?.SetTag(LinksDroppedTag, dropped);
        }

        return activity;
    }

    /// <summary>Starts the leader's <c>ledger.accept_forwarded</c> span, a child of the follower's span the call names. Null when nobody listens.</summary>
    public static Activity? StartAcceptForwarded(Metadata requestHeaders, string nodeId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(AcceptForwardedSpan, ActivityKind.Server, RemoteParent(requestHeaders));
        activity?.SetTag(NodeTag, nodeId);
        return activity;
    }

    /// <summary>Starts a child of the current span (the door check, the receipt); null when nobody listens.</summary>
    public static Activity? StartChild(string name) => Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>
    /// Records a refusal on <paramref name="activity"/> and returns false, for use as an exception filter
    /// (<c>catch (RpcException e) when (NodeTracing.Failed(span, e))</c> never catches).
    /// </summary>
    public static bool Failed(Activity? activity, RpcException refused)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, refused.StatusCode.ToString());
            activity.SetTag("rpc.grpc.status_code", (int)refused.StatusCode);
        }

        return false;
    }

    /// <summary>
    /// Starts a span that another thread will stop, leaving this thread's <see cref="Activity.Current"/> as
    /// it was (a span started here must not become the parent of whatever this thread does next). Its parent
    /// is <paramref name="parent"/> only: with the default context it is a root, whatever is current here.
    /// Null when nobody listens or the sampler drops it.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityContext parent, ActivityKind kind = ActivityKind.Internal, IEnumerable<ActivityLink>? links = null)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(name, kind, parent, tags: null, links);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Stops a span started elsewhere, leaving this thread's <see cref="Activity.Current"/> as it was.</summary>
    public static void StopDetached(Activity? activity, string? error = null)
    {
        if (activity is null)
        {
            return;
        }

        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }

        var previous = Activity.Current;
        activity.Stop();
        Activity.Current = previous;
    }

    /// <summary>
    /// Links to the submissions' span contexts (at most <see cref="BatchLinksMax"/>; null when there are none),
    /// and how many were left out. Call only when <see cref="ActivitySource.HasListeners"/>.
    /// </summary>
    public static List<ActivityLink>? LinksTo<T>(IReadOnlyList<T> items, Func<T, ActivityContext> contextOf, out int dropped)
    {
        List<ActivityLink>? links = null;
        dropped = 0;
        foreach (var item in items)
        {
            var context = contextOf(item);
            if (context == default)
            {
                continue;
            }

            if (links is not null && links.Count >= BatchLinksMax)
            {
                dropped++;
                continue;
            }

            (links ??= new List<ActivityLink>(Math.Min(items.Count, BatchLinksMax))).Add(new ActivityLink(context));
        }

        return links;
    }

    /// <summary>The W3C trace context headers naming <paramref name="activity"/> for an outgoing call; null when it is null.</summary>
    public static Metadata? TraceHeaders(Activity? activity)
    {
        if (activity?.Id is not { } id || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return null;
        }

        var headers = new Metadata { { "traceparent", id } };
        if (activity.TraceStateString is { Length: > 0 } traceState)
        {
            headers.Add("tracestate", traceState);
        }

        return headers;
    }

    /// <summary>The remote span context a peer's call carries in its W3C <c>traceparent</c> header, or default.</summary>
    public static ActivityContext RemoteParent(Metadata requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        var traceParent = requestHeaders.GetValue("traceparent");
        if (traceParent is null || traceParent.Length > TraceParentCharsMax)
        {
            return default;
        }

        var traceState = requestHeaders.GetValue("tracestate");
        if (traceState is not null && traceState.Length > TraceStateCharsMax)
        {
            traceState = null;
        }

        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    // W3C Trace Context: traceparent version 00 is 55 characters; tracestate at most 32 members of at most 256 characters.
    private const int TraceParentCharsMax = 128;
    private const int TraceStateCharsMax = 512;
}
