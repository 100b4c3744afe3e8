using Ledger.Core.Blocks;

namespace Ledger.Core.Tests.Blocks;

public sealed class BlockTimeBoundTests
{
    [TestCase(10_000, 10_000, true)]
    [TestCase(12_000, 10_000, true)]
    [TestCase(8_000, 10_000, true)]
    [TestCase(12_001, 10_000, false)]
    [TestCase(7_999, 10_000, false)]
    public void IsWithin_TwoSecondBound_InclusiveOnBothSides(long blockTime, long clock, bool expected)
    {
        Assert.That(BlockTimeBound.IsWithin(blockTime, clock, 2_000), Is.EqualTo(expected));
    }

    [Test]
    public void IsAheadAndIsBehind_ExtremeTimes_NoOverflow()
    {
        Assert.That(BlockTimeBound.IsAhead(long.MaxValue, long.MinValue, 2_000), Is.True);
        Assert.That(BlockTimeBound.IsBehind(long.MinValue, long.MaxValue, 2_000), Is.True);
        Assert.That(BlockTimeBound.IsWithin(long.MaxValue, long.MinValue, 2_000), Is.False);
    }

    [TestCase(2_000u, "±2 s")]
    [TestCase(1_500u, "±1.5 s")]
    [TestCase(250u, "±250 ms")]
    [TestCase(600_000u, "±600 s")]
    public void Describe_Bound_AsAReaderSaysIt(uint skewMilliseconds, string expected)
    {
        Assert.That(BlockTimeBound.Describe(skewMilliseconds), Is.EqualTo(expected));
    }
}
