using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Persistence;

/// <summary>A Ready and what it carries are valid until Advance; afterwards reads fail loudly, never show other data.</summary>
public sealed class ReadyLifetimeTests
{
    [Test]
    public void ReadyEntries_AreWindowsOntoTheLog_NotCopies()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster[1].Node.Propose("x"u8.ToArray());

        var ready = cluster[1].Node.GetReady();

        Assert.That(ready.Entries.IsWindow, Is.True);
        Assert.That(ready.MessagesBeforePersist.All(m => m.Entries.IsWindow), Is.True);
        Assert.That(ready.MessagesBeforePersist[0].Detach().Entries.IsWindow, Is.False);
    }

    [Test]
    public void ReadyMessages_ReadAfterAdvance_Throw()
    {
        var peer = TestPeer.Create(1, [1, 2, 3]);
        peer.Node.Campaign();
        var ready = peer.Node.GetReady();
        peer.Node.Advance(ready);

        Assert.Throws<InvalidOperationException>(() => _ = ready.MessagesAfterPersist);
        Assert.Throws<InvalidOperationException>(() => _ = ready.MessagesBeforePersist);
    }

    [Test]
    public void EntryWindow_ReadAfterItsMemoryIsRecycled_ThrowsInsteadOfShowingOtherEntries()
    {
        var peer = TestPeer.Create(1, [1]);
        peer.Node.Campaign();
        peer.Process();
        peer.Node.Propose("first"u8.ToArray());
        var ready = peer.Node.GetReady();
        var held = ready.Entries;
        peer.Storage.Append(ready.Entries);
        peer.Node.Advance(ready);

        // Fill and apply more than a block of entries, so the block behind `held` is retired and reused.
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 5000; j++)
            {
                peer.Node.Propose(new byte[] { 1 });
            }

            peer.Process();
        }

        Assert.Throws<StaleEntrySliceException>(() => _ = held[0]);
        Assert.Throws<StaleEntrySliceException>(() => held.ToArray());
    }

    [Test]
    public void EntrySlice_FromArray_IsOwnedAndNeverStale()
    {
        var entries = new[] { new Entry(1, 1, EntryType.Normal, ReadOnlyMemory<byte>.Empty) };
        EntrySlice slice = entries;

        Assert.That(slice.IsWindow, Is.False);
        Assert.That(slice.Detach()[0], Is.SameAs(entries[0]));
        Assert.That(slice.Count, Is.EqualTo(1));
    }
}
