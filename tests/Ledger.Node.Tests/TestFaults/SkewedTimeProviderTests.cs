using Ledger.Node.TestFaults;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.TestFaults;

/// <summary>The chaos clock: offset plus drift on the wall clock, the same drift on timestamps and timers, within named bounds.</summary>
public sealed class SkewedTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void GetUtcNow_OffsetWithoutDrift_IsTrueTimePlusTheOffsetAtAnyTime()
    {
        var truth = new FakeTimeProvider(Start);
        var skewed = new SkewedTimeProvider(truth, offsetMilliseconds: -1_500, driftPpm: 0);

        truth.Advance(TimeSpan.FromHours(5));

        Assert.That(skewed.GetUtcNow(), Is.EqualTo(truth.GetUtcNow() - TimeSpan.FromMilliseconds(1_500)));
    }

    [Test]
    public void GetUtcNow_Drift_AccumulatesWithTheTimeSinceCreation()
    {
        var truth = new FakeTimeProvider(Start);
        var skewed = new SkewedTimeProvider(truth, offsetMilliseconds: 250, driftPpm: 1_000);

        truth.Advance(TimeSpan.FromSeconds(1_000));

        // 1,000 ppm of 1,000 s is 1 s, on top of the offset.
        Assert.That(skewed.GetUtcNow(), Is.EqualTo(truth.GetUtcNow() + TimeSpan.FromMilliseconds(1_250)));
    }

    [Test]
    public void GetElapsedTime_SlowClock_MeasuresLessThanTrueTimeByTheDrift()
    {
        var truth = new FakeTimeProvider(Start);
        var skewed = new SkewedTimeProvider(truth, offsetMilliseconds: 0, driftPpm: -100_000);
        var before = skewed.GetTimestamp();

        truth.Advance(TimeSpan.FromSeconds(10));

        Assert.That(skewed.GetElapsedTime(before), Is.EqualTo(TimeSpan.FromSeconds(9)));
    }

    [Test]
    public void GetTimestamp_DriftAtEitherBound_StaysStrictlyIncreasing()
    {
        foreach (var drift in new[] { -SkewedTimeProvider.DriftPpmMax, SkewedTimeProvider.DriftPpmMax })
        {
            var truth = new FakeTimeProvider(Start);
            var skewed = new SkewedTimeProvider(truth, 0, drift);
            var previous = skewed.GetTimestamp();
            for (var step = 0; step < 1_000; step++)
            {
                truth.Advance(TimeSpan.FromTicks(1 + (step % 7)));
                var now = skewed.GetTimestamp();
                Assert.That(now, Is.GreaterThan(previous), $"drift {drift} ppm, step {step}");
                previous = now;
            }
        }
    }

    [Test]
    public void CreateTimer_FastClock_FiresWhenThisClockHasMeasuredTheDueTime()
    {
        var truth = new FakeTimeProvider(Start);
        var skewed = new SkewedTimeProvider(truth, 0, driftPpm: 100_000);
        var fired = 0;
        using var timer = skewed.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(1_100), Timeout.InfiniteTimeSpan);

        truth.Advance(TimeSpan.FromMilliseconds(999));
        var beforeDue = fired;
        truth.Advance(TimeSpan.FromMilliseconds(1));

        // 1,100 ms on a clock running 10 % fast is 1,000 ms of true time.
        Assert.That((beforeDue, fired), Is.EqualTo((0, 1)));
    }

    [TestCase(SkewedTimeProvider.OffsetMillisecondsMax + 1, 0, "Node:ClockOffsetMilliseconds")]
    [TestCase(-SkewedTimeProvider.OffsetMillisecondsMax - 1, 0, "Node:ClockOffsetMilliseconds")]
    [TestCase(0, SkewedTimeProvider.DriftPpmMax + 1, "Node:ClockDriftPpm")]
    [TestCase(0, -SkewedTimeProvider.DriftPpmMax - 1, "Node:ClockDriftPpm")]
    public void Validate_BeyondItsBound_ThrowsNamingTheOption(long offsetMilliseconds, int driftPpm, string option)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => SkewedTimeProvider.Validate(offsetMilliseconds, driftPpm));

        Assert.That(refused!.Message, Does.StartWith(option));
    }

    [Test]
    public void Validate_AtTheBounds_Accepts()
    {
        Assert.DoesNotThrow(() => SkewedTimeProvider.Validate(SkewedTimeProvider.OffsetMillisecondsMax, -SkewedTimeProvider.DriftPpmMax));
    }

    [Test]
    public void Wrap_NoOffsetNoDrift_IsTheTrueClockItself()
    {
        var truth = new FakeTimeProvider(Start);

        Assert.That(SkewedTimeProvider.Wrap(truth, 0, 0), Is.SameAs(truth));
    }
}
