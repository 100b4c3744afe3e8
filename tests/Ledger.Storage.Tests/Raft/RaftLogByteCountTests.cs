using Ledger.Storage.Raft;

namespace Ledger.Storage.Tests.Raft;

public sealed class RaftLogByteCountTests
{
    [Test]
    public void FirstIndexWithin_BudgetSmallerThanTheLog_IsTheOldestIndexThatFits()
    {
        // Arrange: entries 1..10 of 100 bytes each.
        var count = new RaftLogByteCount();
        for (ulong index = 1; index <= 10; index++)
        {
            count.Append(index, 100);
        }

        // Act / Assert: 350 bytes through 10 keep 8, 9, 10.
        Assert.Multiple(() =>
        {
            Assert.That(count.FirstIndexWithin(10, 350), Is.EqualTo(8UL));
            Assert.That(count.FirstIndexWithin(10, 300), Is.EqualTo(8UL));
            Assert.That(count.FirstIndexWithin(5, 200), Is.EqualTo(4UL));
            Assert.That(count.FirstIndexWithin(10, 1_000), Is.Zero, "everything fits");
            Assert.That(count.BytesBetween(3, 7), Is.EqualTo(500));
        });
    }

    [Test]
    public void RemoveThrough_Compacted_CountsOnlyWhatIsLeft()
    {
        var count = new RaftLogByteCount();
        for (ulong index = 1; index <= 3_000; index++)
        {
            count.Append(index, 10);
        }

        count.RemoveThrough(2_500);

        Assert.Multiple(() =>
        {
            Assert.That(count.Count, Is.EqualTo(500));
            Assert.That(count.FirstCountedIndex, Is.EqualTo(2_501UL));
            Assert.That(count.BytesBetween(1, 3_000), Is.EqualTo(5_000));
            Assert.That(count.FirstIndexWithin(3_000, 100), Is.EqualTo(2_991UL));
        });
    }

    [Test]
    public void Append_OverwritingASuffix_ReplacesItsBytes()
    {
        var count = new RaftLogByteCount();
        for (ulong index = 1; index <= 5; index++)
        {
            count.Append(index, 100);
        }

        count.Append(3, 1_000);

        Assert.Multiple(() =>
        {
            Assert.That(count.Count, Is.EqualTo(3));
            Assert.That(count.BytesBetween(1, 10), Is.EqualTo(1_200));
        });
    }

    [Test]
    public void Append_AfterAGap_StartsCountingAgain()
    {
        var count = new RaftLogByteCount();
        count.Append(1, 100);

        count.Append(10, 7);

        Assert.Multiple(() =>
        {
            Assert.That(count.FirstCountedIndex, Is.EqualTo(10UL));
            Assert.That(count.BytesBetween(1, 10), Is.EqualTo(7));
        });
    }
}
