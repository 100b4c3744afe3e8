using Ledger.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Storage.Tests.Raft;

public sealed class RaftEntryCacheTests
{
    private static Entry Entry(ulong index, int dataBytes, ulong term = 1) => new(term, index, EntryType.Normal, new byte[dataBytes]);

    [Test]
    public void Append_LargeEntriesBeyondByteBound_KeepsNewestWithinBound()
    {
        // Arrange: room for 8,192 entries but only 1 MiB: batch-sized entries must be bounded by bytes.
        var cache = new RaftEntryCache(entriesMax: 8_192, bytesMax: 1024 * 1024);

        // Act: 100 entries of ~100 KB (~10 MB).
        for (ulong index = 1; index <= 100; index++)
        {
            cache.Append(Entry(index, 100_000));
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(cache.Bytes, Is.LessThanOrEqualTo(1024 * 1024));
            Assert.That(cache.Count, Is.EqualTo(10));
            Assert.That(cache.TryGet(100, out var newest) && newest.Index == 100, Is.True);
            Assert.That(cache.TryGet(91, out _), Is.True);
            Assert.That(cache.TryGet(90, out _), Is.False);
        });
    }

    [Test]
    public void Append_ByDefault_HoldsAtMostBytesMaxOfBatchEntries()
    {
        var cache = new RaftEntryCache();

        for (ulong index = 1; index <= 1_000; index++)
        {
            cache.Append(Entry(index, 500_000));
        }

        Assert.That(cache.Bytes, Is.LessThanOrEqualTo(RaftEntryCache.BytesMax));
    }

    [Test]
    public void Append_ManySmallEntries_KeepsAtMostEntriesMax()
    {
        var cache = new RaftEntryCache(entriesMax: 4, bytesMax: 1024 * 1024);

        for (ulong index = 1; index <= 10; index++)
        {
            cache.Append(Entry(index, 10));
        }

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.EqualTo(4));
            Assert.That(cache.TryGet(6, out _), Is.False);
            Assert.That(cache.TryGet(7, out _), Is.True);
        });
    }

    [Test]
    public void Append_ConflictingIndex_ReplacesSuffix()
    {
        var cache = new RaftEntryCache(entriesMax: 16, bytesMax: 1024 * 1024);
        for (ulong index = 1; index <= 5; index++)
        {
            cache.Append(Entry(index, 10, term: 1));
        }

        cache.Append(Entry(3, 20, term: 2));

        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(3, out var replaced) && replaced.Term == 2, Is.True);
            Assert.That(cache.TryGet(4, out _), Is.False);
            Assert.That(cache.Count, Is.EqualTo(3));
            Assert.That(cache.Bytes, Is.EqualTo((2 * Entry(1, 10).SizeBytes) + Entry(3, 20).SizeBytes));
        });
    }

    [Test]
    public void Append_AfterGap_StartsANewWindow()
    {
        var cache = new RaftEntryCache(entriesMax: 16, bytesMax: 1024 * 1024);
        cache.Append(Entry(1, 10));
        cache.Append(Entry(2, 10));

        cache.Append(Entry(50, 10));

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.EqualTo(1));
            Assert.That(cache.TryGet(2, out _), Is.False);
            Assert.That(cache.TryGet(50, out _), Is.True);
        });
    }

    [Test]
    public void Append_EntryLargerThanBound_IsNotKept()
    {
        var cache = new RaftEntryCache(entriesMax: 16, bytesMax: 1_000);
        cache.Append(Entry(1, 10));

        cache.Append(Entry(2, 5_000));

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.Zero);
            Assert.That(cache.Bytes, Is.Zero);
            Assert.That(cache.TryGet(2, out _), Is.False);
        });
    }

    [Test]
    public void RemoveThroughAndRemoveFrom_DropBothEnds()
    {
        var cache = new RaftEntryCache(entriesMax: 16, bytesMax: 1024 * 1024);
        for (ulong index = 1; index <= 10; index++)
        {
            cache.Append(Entry(index, 10));
        }

        cache.RemoveThrough(3);
        cache.RemoveFrom(8);

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.EqualTo(4));
            Assert.That(cache.TryGet(3, out _), Is.False);
            Assert.That(cache.TryGet(4, out _), Is.True);
            Assert.That(cache.TryGet(7, out _), Is.True);
            Assert.That(cache.TryGet(8, out _), Is.False);
        });
    }
}
