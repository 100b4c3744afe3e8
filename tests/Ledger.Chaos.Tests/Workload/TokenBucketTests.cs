using Ledger.Chaos.Workload;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Chaos.Tests.Workload;

public sealed class TokenBucketTests
{
    [Test]
    public void TryTake_GreedyForTenSecondsOfFakeTime_GrantsTheRateAndAtMostTheBurstMore()
    {
        // Arrange
        const int ratePerSecond = 100;
        const int burst = 10;
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond, burst, clock);
        var granted = 0;

        // Act: a client that takes everything it can, every 10 ms, for 10 s of fake time.
        for (var step = 0; step < 1_000; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            int taken;
            while ((taken = bucket.TryTake(5, out _)) > 0)
            {
                granted += taken;
            }
        }

        // Assert
        Assert.That(granted, Is.InRange((10 * ratePerSecond) - 2, (10 * ratePerSecond) + burst));
    }

    [Test]
    public void TryTake_AfterAnIdleMinute_GrantsNoMoreThanTheBurst()
    {
        // Arrange
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(2_000, 64, clock);
        clock.Advance(TimeSpan.FromMinutes(1));

        // Act
        var first = bucket.TryTake(1_000, out _);
        var second = bucket.TryTake(1_000, out var untilNext);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(64));
            Assert.That(second, Is.Zero);
            Assert.That(untilNext, Is.EqualTo(TimeSpan.FromMilliseconds(0.5)).Within(TimeSpan.FromTicks(10)));
        });
    }

    [Test]
    public async Task TakeAsync_EmptyBucket_WaitsForTheFakeClockToRefillIt()
    {
        // Arrange
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(10, 1, clock);

        // Act
        var take = bucket.TakeAsync(1, CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(50));
        var beforeRefill = take.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(60));
        var taken = await take.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(beforeRefill, Is.False, "a token accrues only after 100 ms at 10/s");
            Assert.That(taken, Is.EqualTo(1));
        });
    }
}
