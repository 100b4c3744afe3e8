using Ledger.Node.Web;
using Microsoft.AspNetCore.Connections;

namespace Ledger.Node.Tests.Web;

public sealed class WebConnectionLimitTests
{
    [Test]
    public async Task Wrap_OneConnectionOverTheCap_IsAbortedWithoutReachingTheServer()
    {
        var limit = new WebConnectionLimit(connectionsMax: 1);
        var release = new TaskCompletionSource();
        var served = 0;
        var handler = limit.Wrap(async _ =>
        {
            Interlocked.Increment(ref served);
            await release.Task;
        });
        var first = new DefaultConnectionContext("first");
        var second = new DefaultConnectionContext("second");
        var secondAborted = new TaskCompletionSource();
        second.ConnectionClosed.Register(() => secondAborted.TrySetResult());

        var holding = handler(first);
        await handler(second);
        release.SetResult();
        await holding;
        await secondAborted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(served, Is.EqualTo(1));
            Assert.That(limit.Open, Is.Zero, "every slot comes back");
        });
    }

    [Test]
    public async Task Wrap_AfterAConnectionClosed_TheNextIsServed()
    {
        var limit = new WebConnectionLimit(connectionsMax: 1);
        var served = 0;
        var handler = limit.Wrap(_ =>
        {
            Interlocked.Increment(ref served);
            return Task.CompletedTask;
        });

        await handler(new DefaultConnectionContext("first"));
        await handler(new DefaultConnectionContext("second"));

        Assert.That(served, Is.EqualTo(2));
    }
}
