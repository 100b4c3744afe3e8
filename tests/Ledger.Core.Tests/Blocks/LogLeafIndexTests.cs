using Ledger.Core.Blocks;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Blocks;

/// <summary>A block's transactions are the last tx_count leaves of the log its header commits to.</summary>
public sealed class LogLeafIndexTests
{
    [TestCase(10UL, 3U, 0U, 7UL)]
    [TestCase(10UL, 3U, 2U, 9UL)]
    [TestCase(3UL, 3U, 0U, 0UL)]
    [TestCase(1UL, 1U, 0U, 0UL)]
    public void Get_PositionInBlock_IsLogSizeMinusTxCountPlusPosition(ulong logSize, uint txCount, uint position, ulong expected)
    {
        var leafIndex = LogLeafIndex.Get(logSize, txCount, position);

        Assert.That(leafIndex, Is.EqualTo(expected));
    }

    [Test]
    public void Get_Header_UsesItsLogSizeAndTxCount()
    {
        var header = new BlockHeader { LogSize = 250, TxCount = 50 };

        Assert.That(LogLeafIndex.Get(header, 49), Is.EqualTo(249UL));
    }

    [Test]
    public void Get_LastPositionOfBlockEndingAtLargestLogSize_IsTheLastLeafWithoutOverflow()
    {
        var leafIndex = LogLeafIndex.Get(ulong.MaxValue, uint.MaxValue, uint.MaxValue - 1);

        Assert.That(leafIndex, Is.EqualTo(ulong.MaxValue - 1));
    }

    [Test]
    public void Get_FirstPositionOfBlockEndingAtLargestLogSize_IsLogSizeMinusTxCount()
    {
        var leafIndex = LogLeafIndex.Get(ulong.MaxValue, uint.MaxValue, 0);

        Assert.That(leafIndex, Is.EqualTo(ulong.MaxValue - uint.MaxValue));
    }

    [TestCase(10UL, 3U, 3U, TestName = "Get_PositionEqualToTxCount_Throws")]
    [TestCase(10UL, 3U, uint.MaxValue, TestName = "Get_PositionFarPastTxCount_Throws")]
    [TestCase(10UL, 0U, 0U, TestName = "Get_ZeroTxCount_Throws")]
    [TestCase(2UL, 3U, 0U, TestName = "Get_TxCountAboveLogSize_Throws")]
    [TestCase(0UL, 1U, 0U, TestName = "Get_EmptyLog_Throws")]
    [TestCase(ulong.MaxValue, uint.MaxValue, uint.MaxValue, TestName = "Get_PositionEqualToLargestTxCount_Throws")]
    public void Get_OutsideTheBounds_ThrowsArgumentOutOfRange(ulong logSize, uint txCount, uint position)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LogLeafIndex.Get(logSize, txCount, position));
    }

    [TestCase(10UL, 3U, 3U, TestName = "TryGet_PositionEqualToTxCount_IsFalse")]
    [TestCase(10UL, 3U, uint.MaxValue, TestName = "TryGet_PositionFarPastTxCount_IsFalse")]
    [TestCase(10UL, 0U, 0U, TestName = "TryGet_ZeroTxCount_IsFalse")]
    [TestCase(2UL, 3U, 0U, TestName = "TryGet_TxCountAboveLogSize_IsFalse")]
    [TestCase(0UL, 1U, 0U, TestName = "TryGet_EmptyLog_IsFalse")]
    [TestCase(ulong.MaxValue, uint.MaxValue, uint.MaxValue, TestName = "TryGet_PositionEqualToLargestTxCount_IsFalse")]
    public void TryGet_OutsideTheBounds_IsFalseWithoutThrowing(ulong logSize, uint txCount, uint position)
    {
        var found = LogLeafIndex.TryGet(new BlockHeader { LogSize = logSize, TxCount = txCount }, position, out var leafIndex);

        Assert.That(found, Is.False);
        Assert.That(leafIndex, Is.Zero);
    }

    [TestCase(10UL, 3U, 1U)]
    [TestCase(3UL, 3U, 2U)]
    [TestCase(ulong.MaxValue, uint.MaxValue, uint.MaxValue - 1)]
    public void TryGet_InsideTheBounds_AgreesWithGet(ulong logSize, uint txCount, uint position)
    {
        var found = LogLeafIndex.TryGet(logSize, txCount, position, out var leafIndex);

        Assert.That(found, Is.True);
        Assert.That(leafIndex, Is.EqualTo(LogLeafIndex.Get(logSize, txCount, position)));
        Assert.That(leafIndex, Is.LessThan(logSize));
    }
}
