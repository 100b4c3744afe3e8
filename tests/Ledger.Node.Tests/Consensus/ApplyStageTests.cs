using Ledger.Consensus;
using Ledger.Node.Consensus;

namespace Ledger.Node.Tests.Consensus;

/// <summary>Committed entries are applied off the drive loop, in log order, with reads and proposals held back correctly.</summary>
public sealed class ApplyStageTests
{
    [Test]
    public async Task ConfChangeBetweenNormalEntries_IsAppliedInItsPlace_OnTheApplyThread()
    {
        await using var harness = await DriverHarness.StartLeaderAsync();
        var driver = harness.Driver;
        harness.StateMachine.Hold();

        Assert.That(await driver.ProposeAsync("a"u8.ToArray(), CancellationToken.None), Is.Null);
        Assert.That(await driver.ProposeConfChangeAsync(new ConfChange(ConfChangeType.AddLearner, 2), CancellationToken.None), Is.Null);
        Assert.That(await driver.ProposeAsync("b"u8.ToArray(), CancellationToken.None), Is.Null);
        await harness.WaitUntilAsync(() => driver.Status.Committed >= 4 && harness.StateMachine.Parked);
        var appliedWhileHeld = harness.StateMachine.Applied.Count;

        harness.StateMachine.Release();
        await harness.WaitUntilAsync(() => harness.StateMachine.AppliedIndex >= 4);

        var applied = harness.StateMachine.Applied;
        Assert.That(appliedWhileHeld, Is.EqualTo(1), "only the leader's no-op was applied while the stage was held");
        Assert.That(applied.Select(a => a.Kind), Is.EqualTo(new[] { "noop", "entry", "confchange", "entry" }));
        Assert.That(applied.Select(a => a.Index), Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(applied.Select(a => a.ThreadId).Distinct().Count(), Is.EqualTo(1), "one apply thread");
        Assert.That(harness.Storage.ConfState.Learners, Does.Contain(2UL), "the conf change reached Raft's membership");
    }

    [Test]
    public async Task LinearizableRead_WaitsForTheApplyStage_NotJustForCommit()
    {
        await using var harness = await DriverHarness.StartLeaderAsync();
        var driver = harness.Driver;
        harness.StateMachine.Hold();
        await driver.ProposeAsync("a"u8.ToArray(), CancellationToken.None);
        await harness.WaitUntilAsync(() => driver.Status.Committed >= 2 && harness.StateMachine.Parked);

        var read = driver.ReadBarrierAsync(CancellationToken.None);
        // The read index (2) is committed but not applied: the barrier must still be waiting.
        await harness.WaitUntilAsync(() => driver.Status.Committed >= 2);
        await Task.WhenAny(read, Task.Delay(200));
        Assert.That(read.IsCompleted, Is.False, "the read barrier completed before its index was applied");

        harness.StateMachine.Release();
        var readIndex = await read.WaitAsync(DriverHarness.WaitMax);

        Assert.That(readIndex, Is.GreaterThanOrEqualTo(2UL));
        Assert.That(harness.StateMachine.AppliedIndex, Is.GreaterThanOrEqualTo(readIndex));
    }

    [Test]
    public async Task FullApplyBacklog_HoldsBackNewProposals_WhileTheDriveLoopKeepsRunning()
    {
        await using var harness = await DriverHarness.StartLeaderAsync(new RaftDriverOptions
        {
            TickInterval = TimeSpan.FromMilliseconds(10),
            ApplyQueueEntriesMax = 4,
        });
        var driver = harness.Driver;
        harness.StateMachine.Hold();
        await driver.ProposeAsync("a"u8.ToArray(), CancellationToken.None);
        await driver.ProposeAsync("b"u8.ToArray(), CancellationToken.None);
        await harness.WaitUntilAsync(() => driver.ApplyBacklog >= 2 && harness.StateMachine.Parked);

        var room = driver.WaitForApplyRoomAsync(CancellationToken.None);
        // The drive loop itself is not blocked: it still appends and commits.
        var stillRunning = await driver.ProposeAsync("c"u8.ToArray(), CancellationToken.None).WaitAsync(DriverHarness.WaitMax);
        await harness.WaitUntilAsync(() => driver.Status.Committed >= 4);

        Assert.That(stillRunning, Is.Null);
        Assert.That(room.IsCompleted, Is.False, "proposals were not held back with the apply backlog at half its bound");

        harness.StateMachine.Release();
        await room.WaitAsync(DriverHarness.WaitMax);
        await harness.WaitUntilAsync(() => harness.StateMachine.AppliedIndex >= 4);
        Assert.That(harness.StateMachine.Applied.Select(a => a.Index), Is.Ordered.Ascending);
    }

    [Test]
    public async Task TrackedProposal_IsMarkedWithItsIndexAndTerm_OnAppend()
    {
        await using var harness = await DriverHarness.StartLeaderAsync();
        ProposalTicket? marked = null;
        var ticket = new ProposalTicket(t => marked = t);

        var dropped = await harness.Driver.ProposeTrackedAsync("a"u8.ToArray(), ticket, CancellationToken.None);

        Assert.That(dropped, Is.Null);
        Assert.That(marked, Is.SameAs(ticket));
        Assert.That(ticket.Index, Is.EqualTo(2UL));
        Assert.That(ticket.Term, Is.EqualTo(harness.Driver.Status.Term));
    }
}
