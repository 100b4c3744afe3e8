using System.Diagnostics;
using Grpc.Core;
using Ledger.Node.Tracing;

namespace Ledger.Node.Tests.Observability;

/// <summary>Trace context from outside (a client's or a peer's headers): bounded, parsed, never trusted to be well formed.</summary>
public sealed class NodeTracingTests
{
    private const string Valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Test]
    public void RemoteParent_ValidTraceParent_IsTheRemoteContext()
    {
        var context = NodeTracing.RemoteParent(new Metadata { { "traceparent", Valid }, { "tracestate", "vendor=1" } });

        Assert.Multiple(() =>
        {
            Assert.That(context.TraceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
            Assert.That(context.SpanId.ToHexString(), Is.EqualTo("b7ad6b7169203331"));
            Assert.That(context.IsRemote, Is.True);
            Assert.That(context.TraceState, Is.EqualTo("vendor=1"));
        });
    }

    [TestCase("")]
    [TestCase("not-a-trace-parent")]
    [TestCase("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [TestCase(Valid + "-" + "padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding")]
    public void RemoteParent_MalformedOrOverlong_IsNoParent(string traceParent)
    {
        Assert.That(NodeTracing.RemoteParent(new Metadata { { "traceparent", traceParent } }), Is.EqualTo(default(ActivityContext)));
    }

    [Test]
    public void RemoteParent_OverlongTraceState_IsDropped()
    {
        var overlong = "v=" + new string('x', 600);
        ActivityContext.TryParse(Valid, overlong, out var unbounded);

        var context = NodeTracing.RemoteParent(new Metadata { { "traceparent", Valid }, { "tracestate", overlong } });

        Assert.That(unbounded.TraceState, Is.EqualTo(overlong), "the runtime keeps it: the bound is what drops it");
        Assert.That(context.SpanId.ToHexString(), Is.EqualTo("b7ad6b7169203331"));
        Assert.That(context.TraceState, Is.Null);
    }

    [Test]
    public void TraceHeaders_Span_CarriesItsW3CId()
    {
        var span = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        try
        {
            var headers = NodeTracing.TraceHeaders(span)!;

            Assert.That(NodeTracing.RemoteParent(headers).SpanId, Is.EqualTo(span.SpanId));
        }
        finally
        {
            span.Stop();
        }

        Assert.That(NodeTracing.TraceHeaders(null), Is.Null);
    }
}
