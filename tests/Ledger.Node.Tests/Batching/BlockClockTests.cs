using Ledger.Node.Batching;

namespace Ledger.Node.Tests.Batching;

/// <summary>The leader's stamps strictly increase whatever its clock does, and follow the chain's last block.</summary>
public sealed class BlockClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void Next_ClockMovingForward_StampsAreTheClock()
    {
        var clock = new WallClock(Start);
        var blockClock = new BlockClock(clock, () => 0, () => 1);

        var first = blockClock.Next();
        clock.Now += TimeSpan.FromMilliseconds(250);
        var second = blockClock.Next();

        Assert.That(first, Is.EqualTo(Start.ToUnixTimeMilliseconds()));
        Assert.That(second, Is.EqualTo(Start.ToUnixTimeMilliseconds() + 250));
    }

    [Test]
    public void Next_ClockStepsBackAMinute_StampsStillIncreaseByOneMillisecond()
    {
        var clock = new WallClock(Start);
        var blockClock = new BlockClock(clock, () => 0, () => 1);
        var before = blockClock.Next();

        clock.Now = (Start.AddMinutes(-1));
        var afterStep = blockClock.Next();
        var next = blockClock.Next();

        Assert.That(afterStep, Is.EqualTo(before + 1));
        Assert.That(next, Is.EqualTo(before + 2));
    }

    [Test]
    public void Next_ClockBehindThePreviousLeadersLastBlock_StampsAfterThatBlock()
    {
        var clock = new WallClock(Start);
        var lastBlock = Start.ToUnixTimeMilliseconds() + 700;
        var blockClock = new BlockClock(clock, () => lastBlock, () => 1);

        var stamp = blockClock.Next();

        Assert.That(stamp, Is.EqualTo(lastBlock + 1));
    }

    [Test]
    public void Next_SameMillisecondTwice_SecondStampOneLater()
    {
        var clock = new WallClock(Start);
        var blockClock = new BlockClock(clock, () => 0, () => 1);

        var first = blockClock.Next();
        var second = blockClock.Next();

        Assert.That(second, Is.EqualTo(first + 1));
    }

    [Test]
    public void Next_NewTermAfterStampsThatNeverCommitted_StampsFromTheClockAgain()
    {
        // A leader a year ahead stamped batches the followers refused; its clock is corrected, it leads again.
        var clock = new WallClock(Start.AddDays(365));
        ulong term = 4;
        var blockClock = new BlockClock(clock, () => Start.ToUnixTimeMilliseconds() - 1_000, () => term);
        blockClock.Next();

        clock.Now = (Start);
        term = 6;
        var stamp = blockClock.Next();

        Assert.That(stamp, Is.EqualTo(Start.ToUnixTimeMilliseconds()));
    }

    /// <summary>A wall clock a test sets, backwards too (a fake clock that only moves forward cannot step back).</summary>
    private sealed class WallClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
