namespace Ledger.Consensus.Tests.Storage;

/// <summary>The reference <see cref="IRaftLogStorage"/>; its typed errors are the contract other stores follow.</summary>
public sealed class MemoryRaftLogStorageTests
{
    private static MemoryRaftLogStorage WithEntries(params ulong[] terms)
    {
        var storage = MemoryRaftLogStorage.WithVoters(1, 2, 3);
        var entries = new List<Entry>();
        for (var i = 0; i < terms.Length; i++)
        {
            entries.Add(new Entry(terms[i], (ulong)(i + 1), EntryType.Normal, new byte[10]));
        }

        storage.Append(entries);
        return storage;
    }

    [Test]
    public void Empty_HasFirstIndexOne_AndLastIndexZero()
    {
        var storage = MemoryRaftLogStorage.WithVoters(1);

        Assert.That(storage.FirstIndex(), Is.EqualTo(1UL));
        Assert.That(storage.LastIndex(), Is.EqualTo(0UL));
        Assert.That(storage.Term(0), Is.EqualTo(0UL));
        Assert.That(storage.InitialState().ConfState.Voters, Is.EqualTo(new ulong[] { 1 }));
    }

    [Test]
    public void Append_WithConflict_TruncatesTheSuffix()
    {
        var storage = WithEntries(1, 1, 1, 1);

        storage.Append([new Entry(2, 3, EntryType.Normal, ReadOnlyMemory<byte>.Empty)]);

        Assert.That(storage.LastIndex(), Is.EqualTo(3UL));
        Assert.That(storage.Term(3), Is.EqualTo(2UL));
    }

    [Test]
    public void Append_LeavingAGap_Throws()
    {
        var storage = WithEntries(1, 1);

        Assert.Throws<RaftInvariantException>(() => storage.Append([new Entry(1, 5, EntryType.Normal, ReadOnlyMemory<byte>.Empty)]));
    }

    [Test]
    public void Entries_RespectsMaxBytes_ButReturnsAtLeastOne()
    {
        var storage = WithEntries(1, 1, 1, 1);
        var entrySize = new Entry(1, 1, EntryType.Normal, new byte[10]).SizeBytes;

        Assert.That(storage.Entries(1, 5, 1), Has.Count.EqualTo(1));
        Assert.That(storage.Entries(1, 5, 2 * entrySize), Has.Count.EqualTo(2));
        Assert.That(storage.Entries(1, 5, long.MaxValue), Has.Count.EqualTo(4));
    }

    [Test]
    public void Entries_BelowFirstIndex_ThrowsCompacted_AndBeyondLast_ThrowsUnavailable()
    {
        var storage = WithEntries(1, 1, 1, 1);
        storage.CreateSnapshot(2, new ConfState([1, 2, 3], []), ReadOnlyMemory<byte>.Empty);
        storage.Compact(2);

        Assert.Throws<RaftLogCompactedException>(() => storage.Entries(2, 4, long.MaxValue));
        Assert.Throws<RaftLogUnavailableException>(() => storage.Entries(3, 6, long.MaxValue));
        Assert.Throws<RaftLogCompactedException>(() => storage.Term(1));
        Assert.Throws<RaftLogUnavailableException>(() => storage.Term(5));
        Assert.That(storage.Term(2), Is.EqualTo(1UL), "the compaction point keeps its term");
    }

    [Test]
    public void Compact_MovesFirstIndex_AndKeepsLaterEntries()
    {
        var storage = WithEntries(1, 2, 3, 4);

        storage.CreateSnapshot(3, new ConfState([1, 2, 3], []), ReadOnlyMemory<byte>.Empty);
        storage.Compact(3);

        Assert.That(storage.FirstIndex(), Is.EqualTo(4UL));
        Assert.That(storage.LastIndex(), Is.EqualTo(4UL));
        Assert.That(storage.Entries(4, 5, long.MaxValue)[0].Term, Is.EqualTo(4UL));
    }

    [Test]
    public void CreateSnapshot_RecordsTermOfIndex_AndRefusesOlder()
    {
        var storage = WithEntries(1, 2, 3);

        var snapshot = storage.CreateSnapshot(2, new ConfState([1, 2, 3], []), new byte[] { 7 });

        Assert.That(snapshot.Metadata.Term, Is.EqualTo(2UL));
        Assert.That(storage.Snapshot(), Is.SameAs(snapshot));
        Assert.Throws<RaftSnapshotOutOfDateException>(() => storage.CreateSnapshot(1, new ConfState([1], []), ReadOnlyMemory<byte>.Empty));
    }

    [Test]
    public void ApplySnapshot_ReplacesTheLog_AndRefusesOlder()
    {
        var storage = WithEntries(1, 1, 1);
        var snapshot = new Snapshot(new SnapshotMetadata(10, 3, new ConfState([1, 2], [3])), new byte[] { 1 });

        storage.ApplySnapshot(snapshot);

        Assert.That(storage.FirstIndex(), Is.EqualTo(11UL));
        Assert.That(storage.LastIndex(), Is.EqualTo(10UL));
        Assert.That(storage.Term(10), Is.EqualTo(3UL));
        Assert.That(storage.InitialState().ConfState.Learners, Is.EqualTo(new ulong[] { 3 }));
        Assert.Throws<RaftSnapshotOutOfDateException>(() => storage.ApplySnapshot(new Snapshot(new SnapshotMetadata(5, 3, ConfState.Empty), ReadOnlyMemory<byte>.Empty)));
    }

    [Test]
    public void ForFoundingMember_HoldsShippableMembershipSnapshot()
    {
        var storage = MemoryRaftLogStorage.ForFoundingMember(new ConfState([1, 2, 3], []));

        Assert.That(storage.Snapshot().IsEmpty, Is.False);
        Assert.That(storage.Snapshot().Metadata.ConfState.Voters, Is.EqualTo(new ulong[] { 1, 2, 3 }));
        Assert.That(storage.InitialState().HardState, Is.EqualTo(RaftBootstrap.FoundingHardState));
        Assert.That(storage.FirstIndex(), Is.EqualTo(2UL));
    }

    [Test]
    public void ConfState_RejectsDuplicatesZeroAndOverlap()
    {
        Assert.Throws<ArgumentException>(() => _ = new ConfState([1, 1], []));
        Assert.Throws<ArgumentException>(() => _ = new ConfState([0], []));
        Assert.Throws<ArgumentException>(() => _ = new ConfState([1, 2], [2]));
    }
}
