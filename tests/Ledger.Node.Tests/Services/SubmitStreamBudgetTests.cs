using Ledger.Node.Configuration;
using Ledger.Node.Services;

namespace Ledger.Node.Tests.Services;

public sealed class SubmitStreamBudgetTests
{
    private static SubmitStreamBudget Budget(int stream, int connection, int node) =>
        new(new ApiLimitsOptions { SubmitStreamAnswersMax = stream, ConnectionAnswersMax = connection, NodeAnswersMax = node });

    [Test]
    public async Task AcquireAsync_StreamWindowFull_WaitsUntilAnAnswerIsWritten()
    {
        var budget = Budget(stream: 2, connection: 10, node: 10);
        using var window = budget.OpenStream("connection-1");
        await window.AcquireAsync(CancellationToken.None);
        await window.AcquireAsync(CancellationToken.None);

        var third = window.AcquireAsync(CancellationToken.None);
        var waitedWhileFull = !third.IsCompleted;
        window.Release();
        await third;

        Assert.Multiple(() =>
        {
            Assert.That(waitedWhileFull, Is.True, "no third slot while two answers are unwritten");
            Assert.That(window.Held, Is.EqualTo(2));
            Assert.That(budget.PendingAnswers, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task AcquireAsync_ConnectionBudgetFull_AnotherStreamOfThatConnectionWaitsButAnotherConnectionProceeds()
    {
        var budget = Budget(stream: 2, connection: 2, node: 10);
        using var first = budget.OpenStream("connection-1");
        using var sibling = budget.OpenStream("connection-1");
        using var stranger = budget.OpenStream("connection-2");
        await first.AcquireAsync(CancellationToken.None);
        await first.AcquireAsync(CancellationToken.None);

        var siblingSlot = sibling.AcquireAsync(CancellationToken.None);
        var strangerSlot = stranger.AcquireAsync(CancellationToken.None);
        await strangerSlot;

        Assert.Multiple(() =>
        {
            Assert.That(siblingSlot.IsCompleted, Is.False, "the connection's budget is spent");
            Assert.That(budget.PendingAnswers, Is.EqualTo(3));
        });
        first.Release();
        await siblingSlot;
    }

    [Test]
    public async Task AcquireAsync_NodeBudgetFull_EveryConnectionWaits()
    {
        var budget = Budget(stream: 2, connection: 2, node: 2);
        using var first = budget.OpenStream("connection-1");
        using var other = budget.OpenStream("connection-2");
        await first.AcquireAsync(CancellationToken.None);
        await first.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = other.AcquireAsync(cancel.Token);
        var waitedWhileFull = !waiting.IsCompleted;
        await cancel.CancelAsync();

        Assert.That(waitedWhileFull, Is.True);
        Assert.CatchAsync<OperationCanceledException>(async () => await waiting);
        Assert.That(budget.PendingAnswers, Is.EqualTo(2), "a cancelled wait holds nothing");
    }

    [Test]
    public async Task Dispose_SlotsStillHeld_AreReleasedOnceAndALateReleaseIsANoOp()
    {
        var budget = Budget(stream: 4, connection: 4, node: 4);
        var window = budget.OpenStream("connection-1");
        await window.AcquireAsync(CancellationToken.None);
        await window.AcquireAsync(CancellationToken.None);
        await window.AcquireAsync(CancellationToken.None);

        window.Dispose();
        window.Release();
        window.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(budget.PendingAnswers, Is.Zero);
            Assert.That(budget.ConnectionsWithStreams, Is.Zero, "the connection's entry goes with its last stream");
        });
    }

    [Test]
    public async Task AcquireAsync_AfterDispose_IsRefusedAndHoldsNothing()
    {
        var budget = Budget(stream: 1, connection: 1, node: 1);
        var window = budget.OpenStream("connection-1");
        window.Dispose();

        Assert.CatchAsync<OperationCanceledException>(async () => await window.AcquireAsync(CancellationToken.None));
        Assert.That(budget.PendingAnswers, Is.Zero);
        await Task.CompletedTask;
    }
}
