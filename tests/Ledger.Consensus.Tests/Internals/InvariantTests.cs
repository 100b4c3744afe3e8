namespace Ledger.Consensus.Tests.Internals;

/// <summary>Safety invariants stay checked in Release and throw <see cref="RaftInvariantException"/>.</summary>
public sealed class InvariantTests
{
    private static RaftLog LogWith(params ulong[] terms)
    {
        var storage = MemoryRaftLogStorage.WithVoters(1);
        var entries = new List<Entry>();
        for (var i = 0; i < terms.Length; i++)
        {
            entries.Add(new Entry(terms[i], (ulong)(i + 1), EntryType.Normal, ReadOnlyMemory<byte>.Empty));
        }

        storage.Append(entries);
        return new RaftLog(storage);
    }

    [Test]
    public void RaftLog_CommitBeyondLastIndex_Throws()
    {
        var log = LogWith(1, 1);

        Assert.Throws<RaftInvariantException>(() => log.CommitTo(3));
    }

    [Test]
    public void RaftLog_CommitIndex_NeverDecreases()
    {
        var log = LogWith(1, 1, 1);
        log.CommitTo(3);

        log.CommitTo(1);

        Assert.That(log.Committed, Is.EqualTo(3UL));
    }

    [Test]
    public void RaftLog_LeaderAppendNotAtTheEnd_Throws_BecauseALeaderNeverTruncatesItsLog()
    {
        // §3.5 Leader Append-Only: "a leader never overwrites or deletes entries in its log".
        var log = LogWith(1, 1, 1);

        Assert.Throws<RaftInvariantException>(() => log.AppendAtEnd(new Entry(2, 2, EntryType.Normal, ReadOnlyMemory<byte>.Empty)));
    }

    [Test]
    public void RaftLog_AppendThatWouldTruncateCommittedEntries_Throws()
    {
        var log = LogWith(1, 1, 1);
        log.CommitTo(3);

        Assert.Throws<RaftInvariantException>(() => log.Append([new Entry(2, 2, EntryType.Normal, ReadOnlyMemory<byte>.Empty)]));
    }

    [Test]
    public void RaftLog_AppliedBeyondCommitted_Throws()
    {
        var log = LogWith(1, 1, 1);
        log.CommitTo(1);

        Assert.Throws<RaftInvariantException>(() => log.AppliedTo(2));
    }

    [Test]
    public void RaftLog_AppendEntriesConflictingWithCommittedEntry_Throws()
    {
        // A leader asking to overwrite a committed entry means the cluster's safety is already broken: stop.
        var log = LogWith(1, 1, 1);
        log.CommitTo(3);

        Assert.Throws<RaftInvariantException>(() => log.TryAppend(1, 1, 3, [new Entry(2, 2, EntryType.Normal, ReadOnlyMemory<byte>.Empty)], out _));
    }

    [Test]
    public void Inflights_RefusesToOverfill()
    {
        var inflights = new Inflights(2);
        inflights.Add(1);
        inflights.Add(2);

        Assert.That(inflights.Full, Is.True);
        Assert.Throws<RaftInvariantException>(() => inflights.Add(3));
    }

    [Test]
    public void Inflights_FreeLessOrEqual_ReleasesAcknowledgedMessages_AcrossTheRingBoundary()
    {
        var inflights = new Inflights(3);
        inflights.Add(5);
        inflights.Add(10);
        inflights.FreeLessOrEqual(5);
        inflights.Add(15);
        inflights.Add(20);

        inflights.FreeLessOrEqual(12);

        Assert.That(inflights.Count, Is.EqualTo(2));
        Assert.That(inflights.Full, Is.False);
        inflights.FreeLessOrEqual(20);
        Assert.That(inflights.Count, Is.EqualTo(0));
    }

    [Test]
    public void Inflights_IndexesMustIncrease()
    {
        var inflights = new Inflights(4);
        inflights.Add(5);

        Assert.Throws<RaftInvariantException>(() => inflights.Add(5));
    }

    [Test]
    public void Progress_StaleRejection_IsIgnored()
    {
        var progress = new Progress(2, next: 10, maxInflight: 4, isLearner: false) { Match = 3 };

        Assert.That(progress.MaybeDecreaseTo(rejected: 5, matchHint: 4), Is.False, "rejection of an append we no longer wait on");
        Assert.That(progress.MaybeDecreaseTo(rejected: 9, matchHint: 4), Is.True);
        Assert.That(progress.Next, Is.EqualTo(5UL));
    }

    [Test]
    public void Progress_AfterFailedSnapshot_ProbesFromMatch_AfterFinishedSnapshot_FromSnapshotIndex()
    {
        var failed = new Progress(2, next: 5, maxInflight: 4, isLearner: false) { Match = 4 };
        failed.BecomeSnapshot(100);
        failed.BecomeProbeAfterFailedSnapshot();

        var finished = new Progress(2, next: 5, maxInflight: 4, isLearner: false) { Match = 4 };
        finished.BecomeSnapshot(100);
        finished.BecomeProbe();

        Assert.That(failed.Next, Is.EqualTo(5UL));
        Assert.That(finished.Next, Is.EqualTo(101UL));
    }

    [Test]
    public void UnstableLog_StableTo_IgnoresEntriesReplacedMeanwhile()
    {
        var unstable = new UnstableLog(1);
        unstable.TruncateAndAppend([new Entry(1, 1, EntryType.Normal, ReadOnlyMemory<byte>.Empty), new Entry(1, 2, EntryType.Normal, ReadOnlyMemory<byte>.Empty)]);
        unstable.TruncateAndAppend([new Entry(2, 2, EntryType.Normal, ReadOnlyMemory<byte>.Empty)]);

        unstable.StableTo(2, 1);

        Assert.That(unstable.Count, Is.EqualTo(2), "index 2 of term 1 was replaced; nothing became stable");
        Assert.That(unstable.TryTerm(2, out var term) && term == 2, Is.True);
    }
}
