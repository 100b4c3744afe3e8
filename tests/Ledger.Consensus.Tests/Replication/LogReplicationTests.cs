using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Replication;

/// <summary>Log replication, dissertation §3.5, and the fast backtracking optimization of §5.3.</summary>
public sealed class LogReplicationTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    [Test]
    public void Leader_ReplicatesEntry_AndCommitsOnceAMajorityStoresIt()
    {
        // §3.5: "When the entry has been safely replicated ... the leader applies the entry".
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Cut(1, 3);

        cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.That(cluster[1].AppliedData().Select(Text), Is.EqualTo(new[] { "x" }), "1 + 2 form a majority");
        Assert.That(cluster[2].AppliedData().Select(Text), Is.EqualTo(new[] { "x" }));
        Assert.That(cluster[3].AppliedData(), Is.Empty);
    }

    [Test]
    public void Leader_WithoutMajority_DoesNotCommit()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(1);

        cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.That(cluster[1].AppliedData(), Is.Empty);
        Assert.That(cluster[1].Node.LastIndex, Is.GreaterThan(cluster[1].Node.Committed));
    }

    [Test]
    public void Follower_RejectsAppend_WhenPrevLogTermMismatches_AndHintsConflictTerm()
    {
        // §3.5 consistency check; §5.3: "the follower can include the term of the conflicting entry and
        // the first index it stores for that term" (etcd: largest index whose term <= the leader's term).
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 2, 2, 2], hardState: new HardState(2, 0, 1));

        var sent = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 3, Index = 4, LogTerm = 3, Commit = 1 });

        var response = sent.Single();
        Assert.That(response.Type, Is.EqualTo(MessageType.AppResp));
        Assert.That(response.Reject, Is.True);
        Assert.That(response.Index, Is.EqualTo(4UL));
        Assert.That(response.RejectHintIndex, Is.EqualTo(4UL));
        Assert.That(response.RejectHintTerm, Is.EqualTo(2UL));
    }

    [Test]
    public void Follower_RejectsAppend_WhenPrevIndexBeyondItsLog_AndHintsItsLastIndex()
    {
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1]);

        var sent = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 2, Index = 7, LogTerm = 2 });

        var response = sent.Single();
        Assert.That(response.Reject, Is.True);
        Assert.That(response.RejectHintIndex, Is.EqualTo(2UL));
        Assert.That(response.RejectHintTerm, Is.EqualTo(1UL));
    }

    [Test]
    public void Follower_TruncatesConflictingUncommittedSuffix_AndAppendsLeadersEntries()
    {
        // §3.5: "If an existing entry conflicts with a new one (same index but different terms), delete the
        // existing entry and all that follow it."
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 0, 1));
        var leaderEntries = new[] { new Entry(2, 2, EntryType.Normal, new byte[] { 20 }) };

        var sent = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 2, Index = 1, LogTerm = 1, Entries = leaderEntries, Commit = 1 });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(sent.Single().Index, Is.EqualTo(2UL));
        Assert.That(peer.Storage.LastIndex(), Is.EqualTo(2UL));
        Assert.That(peer.Storage.Term(2), Is.EqualTo(2UL));
    }

    [Test]
    public void Follower_DuplicateOrStaleAppend_DoesNotTruncateMatchingEntries()
    {
        // §3.5: only a conflicting entry triggers deletion; a delayed append carrying a prefix must not
        // truncate entries that follow it.
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 0, 0));
        var prefix = new[] { new Entry(1, 2, EntryType.Normal, new byte[] { 2 }) };

        var sent = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 1, LogTerm = 1, Entries = prefix });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(peer.Storage.LastIndex(), Is.EqualTo(3UL));
    }

    [Test]
    public void Follower_AppendBelowCommit_AnswersWithItsCommitIndex()
    {
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 0, 3));

        var sent = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 1, LogTerm = 1 });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(sent.Single().Index, Is.EqualTo(3UL));
    }

    [Test]
    public void Follower_CommitIndex_FollowsLeaderButNeverPassesLastNewEntry()
    {
        // §3.5: "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)".
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1, 1], hardState: new HardState(1, 0, 0));

        peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 2, LogTerm = 1, Commit = 4 });

        Assert.That(peer.Node.Committed, Is.EqualTo(2UL));
    }

    [Test]
    public void Leader_FastBacktracking_SkipsAConflictingTermInOneRoundTrip()
    {
        // §5.3: with the conflict hint, "one AppendEntries RPC will be required for each term with
        // conflicting entries, rather than one RPC per entry."
        var leader = TestPeer.Create(1, ThreeVoters, logTerms: [1, 1, 1, 4, 4, 4, 4], hardState: new HardState(4, 0, 3));
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1, 2, 2, 2, 2, 2, 2, 2], hardState: new HardState(2, 0, 3));
        var third = TestPeer.Create(3, ThreeVoters, logTerms: [1, 1, 1, 4, 4, 4, 4], hardState: new HardState(4, 0, 3));
        var cluster = new TestCluster([leader, follower, third]);

        cluster.Elect(1);
        var rejections = cluster.Delivered.Count(m => m.Type == MessageType.AppResp && m.From == 2 && m.Reject);

        Assert.That(follower.Storage.LastIndex(), Is.EqualTo(leader.Storage.LastIndex()));
        Assert.That(follower.Storage.Term(4), Is.EqualTo(4UL));
        Assert.That(rejections, Is.LessThanOrEqualTo(2), "a whole term of conflicts is skipped per round trip");
    }

    [Test]
    public void Leader_InReplicateState_PipelinesAppendsWithoutWaitingForAcks()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);

        for (var i = 0; i < 3; i++)
        {
            cluster.Propose(1, $"p{i}");
            cluster.CollectReadies();
        }

        var appendsTo2 = cluster.Take(m => m.Type == MessageType.App && m.To == 2);
        Assert.That(appendsTo2, Has.Count.EqualTo(3), "one append per Ready, none waiting for an ack");
        Assert.That(cluster[1].Node.Status.Progress.Single(p => p.Id == 2).State, Is.EqualTo(ProgressState.Replicate));
    }

    [Test]
    public void Leader_FullInflightWindow_PausesReplication_UntilAcknowledged()
    {
        var cluster = TestCluster.Create(3, c => c with { MaxInflightMessages = 2 });
        cluster.Elect(1);

        for (var i = 0; i < 4; i++)
        {
            cluster.Propose(1, $"p{i}");
            cluster.CollectReadies();
        }

        var appendsTo2 = cluster.Take(m => m.Type == MessageType.App && m.To == 2);
        Assert.That(appendsTo2, Has.Count.EqualTo(2));
        Assert.That(cluster[1].Node.Status.Progress.Single(p => p.Id == 2).InflightCount, Is.EqualTo(2));

        foreach (var m in appendsTo2)
        {
            cluster.Deliver(m);
        }

        cluster.Stabilize();
        Assert.That(cluster[2].AppliedData().Select(Text), Is.EqualTo(new[] { "p0", "p1", "p2", "p3" }));
    }

    [Test]
    public void Leader_RespectsMaxEntriesPerAppend()
    {
        var cluster = TestCluster.Create(3, c => c with { MaxEntriesPerAppend = 2 });
        cluster.Elect(1);
        cluster.Isolate(2);
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(1, $"p{i}");
        }

        cluster.Stabilize();
        cluster.Heal();
        cluster.Tick(3);

        Assert.That(cluster.Delivered.Where(m => m.Type == MessageType.App).Max(m => m.Entries.Length), Is.LessThanOrEqualTo(2));
        Assert.That(cluster[2].AppliedData().Count(), Is.EqualTo(5));
    }

    [Test]
    public void Leader_RespectsMaxBytesPerAppend_ButAlwaysSendsOneEntry()
    {
        var cluster = TestCluster.Create(3, c => c with { MaxBytesPerAppend = 100, MaxUncommittedEntriesBytes = 0 });
        cluster.Elect(1);
        cluster.Isolate(2);
        cluster[1].Node.Propose(new byte[300]);
        cluster[1].Node.Propose(new byte[10]);
        cluster[1].Node.Propose(new byte[10]);
        cluster.Stabilize();
        cluster.Heal();

        cluster.Tick(3);

        var toTwo = cluster.Delivered.Where(m => m.Type == MessageType.App && m.To == 2 && m.Entries.Length > 0).ToList();
        Assert.That(toTwo.Any(m => m.Entries.Length == 1 && m.Entries[0].Data.Length == 300), Is.True);
        Assert.That(toTwo.All(m => m.Entries.Length == 1 || m.Entries.Sum(e => e.SizeBytes) <= 100), Is.True);
        Assert.That(cluster[2].AppliedData().Count(), Is.EqualTo(3));
    }

    [Test]
    public void Heartbeat_CommitIndex_IsCappedAtFollowersMatch()
    {
        // A follower may lag; telling it to commit beyond what it holds would break its invariant.
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "a");
        cluster.Stabilize();
        cluster.Heal();
        cluster.DropFilter = m => m.Type == MessageType.App;

        cluster.Tick(1);

        var heartbeat = cluster.Delivered.Last(m => m.Type == MessageType.Heartbeat && m.To == 3);
        Assert.That(heartbeat.Commit, Is.LessThan(cluster[1].Node.Committed));
        Assert.That(cluster[3].Node.Committed, Is.LessThanOrEqualTo(cluster[3].Node.LastIndex));
    }

    [Test]
    public void Leader_UnreachableFollower_FallsBackToProbing()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        Assert.That(cluster[1].Node.Status.Progress.Single(p => p.Id == 2).State, Is.EqualTo(ProgressState.Replicate));

        cluster[1].Node.ReportUnreachable(2);

        Assert.That(cluster[1].Node.Status.Progress.Single(p => p.Id == 2).State, Is.EqualTo(ProgressState.Probe));
    }

    [Test]
    public void LaggingFollower_CatchesUp_AfterPartitionHeals()
    {
        // §3.5: "the leader ... retries AppendEntries RPCs indefinitely ... until all followers eventually store all log entries."
        var cluster = TestCluster.Create(5);
        cluster.Elect(1);
        cluster.Isolate(5);
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose(1, $"e{i}");
            cluster.Stabilize();
        }

        cluster.Heal();
        cluster.Tick(2);

        Assert.That(cluster[5].AppliedData().Select(Text), Is.EqualTo(cluster[1].AppliedData().Select(Text)));
    }

    private static string Text(byte[] data) => System.Text.Encoding.UTF8.GetString(data);
}
