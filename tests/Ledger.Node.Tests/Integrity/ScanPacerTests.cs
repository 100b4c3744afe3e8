using Ledger.Node.Integrity;

namespace Ledger.Node.Tests.Integrity;

public sealed class ScanPacerTests
{
    private const long BytesPerSecond = 1_000_000;

    [Test]
    public void Charge_SlicesOfMixedSizes_EachStartsOnlyOnceTheBytesBeforeItFitTheRate()
    {
        // Arrange: slices started as early as the pacer allows, some far larger than others.
        var pacer = new ScanPacer(BytesPerSecond);
        var start = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        var now = start;
        long bytesBefore = 0;
        long[] sizes = [10, 500_000, 1, 2_000_000, 0, 99_999, 1_000_000, 7];

        foreach (var size in sizes)
        {
            // Assert: what was read before this slice fits rate × elapsed.
            var allowed = BytesPerSecond * (now - start).TotalSeconds;
            Assert.That(bytesBefore, Is.LessThanOrEqualTo(allowed + 1), $"at {(now - start).TotalSeconds} s");

            // Act
            pacer.Charge(size, now);
            bytesBefore += size;
            now = pacer.EarliestNext > now ? pacer.EarliestNext : now;
        }

        Assert.That((now - start).TotalSeconds, Is.EqualTo(sizes.Sum() / (double)BytesPerSecond).Within(1e-6), "and it waits no longer than the rate needs");
    }

    [Test]
    public void Charge_SliceStartedLateAfterAnIdlePeriod_IdleTimeIsNotBankedAsABurst()
    {
        var pacer = new ScanPacer(BytesPerSecond);
        var start = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        pacer.Charge(1_000_000, start);

        // An hour idle (between passes), then a slice: the next waits its own second, not zero.
        var later = start.AddHours(1);
        pacer.Charge(1_000_000, later);

        Assert.That(pacer.EarliestNext, Is.EqualTo(later.AddSeconds(1)));
    }
}
