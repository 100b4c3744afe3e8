using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Recovery;

/// <summary>
/// A node never silently forgets what it acknowledged (protocol-aware recovery, Alagappan et al., FAST'18): a node
/// whose durable state may be behind what it acknowledged recovers — it neither votes nor campaigns nor counts toward
/// commit — until it has re-fetched what it is missing from a leader.
/// </summary>
public sealed class RecoveringTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    /// <summary>Voters 1..3 at incarnation 1, node 1 leading term 1, entries 1 (no-op) to 4 committed everywhere.</summary>
    private static TestCluster CommittedCluster()
    {
        var cluster = TestCluster.Create(3, c => c with { Incarnation = 1 });
        cluster.Elect(1);
        foreach (var text in new[] { "a", "b", "c" })
        {
            cluster.Propose(1, text);
        }

        cluster.Stabilize();
        Assert.That(cluster.Peers.Select(p => p.Node.Committed), Is.All.EqualTo(4UL), "setup: everything committed");
        return cluster;
    }

    private static ProgressStatus ProgressOf(TestPeer leader, ulong id) => leader.Node.Status.Progress.Single(p => p.Id == id);

    [Test]
    public void Leader_FollowerAnswersWithNewIncarnation_ResetsItsProgressAndProbesAtOnce()
    {
        var cluster = CommittedCluster();
        var leader = cluster[1];
        Assert.That(ProgressOf(leader, 2).Match, Is.EqualTo(4UL));
        cluster[2].Restart(c => c with { Incarnation = 2 });

        cluster.TickOne(1, 1);
        foreach (var heartbeat in cluster.Take(m => m.Type == MessageType.Heartbeat && m.To == 2))
        {
            cluster.Deliver(heartbeat);
        }

        foreach (var response in cluster.Take(m => m.Type == MessageType.HeartbeatResp && m.From == 2))
        {
            cluster.Deliver(response);
        }

        var progress = ProgressOf(leader, 2);
        Assert.That(progress.Match, Is.EqualTo(0UL), "what the old incarnation acknowledged no longer counts");
        Assert.That(progress.State, Is.EqualTo(ProgressState.Probe));
        Assert.That(progress.Incarnation, Is.EqualTo(2UL));
        Assert.That(cluster.Take(m => m.Type == MessageType.App && m.To == 2), Is.Not.Empty, "probed at once");
    }

    [Test]
    public void Follower_LogLostItsTail_IsReprobedCaughtUpAndLeavesRecovery()
    {
        var cluster = CommittedCluster();
        var follower = cluster[2];

        // Its storage comes back as an older copy: entries 3 and 4 (acknowledged, committed) are gone.
        follower.RestartRolledBack(keepLastIndex: 2, new HardState(1, 1, 2), c => c with { Incarnation = 2 });
        cluster.Tick(3);

        Assert.That(follower.Node.LastIndex, Is.EqualTo(4UL), "caught up from the leader");
        Assert.That(follower.Storage.Term(4), Is.EqualTo(cluster[1].Storage.Term(4)));
        Assert.That(follower.Node.Committed, Is.EqualTo(4UL));
        Assert.That(follower.Readies.Any(r => r.HardState is { Recovery: RecoveryReason.AcknowledgedWatermark }), Is.True,
            "the leader's watermark told it that it had forgotten what it acknowledged");
        Assert.That(follower.Node.Status.Recovering, Is.False, "left recovery once it held the entries again");
        Assert.That(follower.Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None));
        Assert.That(ProgressOf(cluster[1], 2).Match, Is.EqualTo(4UL));
    }

    [Test]
    public void Leader_RecoveringFollower_IsNotCountedTowardCommit()
    {
        var cluster = CommittedCluster();
        var leader = cluster[1];

        // Node 2 lost its hard state: it recovers until the leader has heard every other voter, and node 3 is cut off.
        cluster[2].Restart(c => c with { Incarnation = 2, BeginInRecovery = RecoveryReason.HardStateLost });
        cluster.Isolate(3);
        cluster.Tick(2);
        cluster.Propose(1, "x");
        cluster.Stabilize();

        Assert.That(cluster[2].Node.LastIndex, Is.EqualTo(5UL), "the recovering follower still receives the log");
        Assert.That(cluster[2].Node.Status.Recovering, Is.True);
        Assert.That(ProgressOf(leader, 2).Recovering, Is.True);
        Assert.That(leader.Node.Committed, Is.EqualTo(4UL), "a leader and a recovering follower are not a quorum");

        cluster.Heal();
        cluster.Tick(2);

        Assert.That(cluster[2].Node.Status.Recovering, Is.False);
        Assert.That(leader.Node.Committed, Is.EqualTo(5UL));
    }

    [Test]
    public void Node_HardStateLost_LeavesRecoveryOnlyAfterEveryOtherVoterAnsweredTheLeader()
    {
        var cluster = CommittedCluster();
        cluster[2].Restart(c => c with { Incarnation = 2, BeginInRecovery = RecoveryReason.HardStateLost });
        cluster.Isolate(3);

        cluster.Tick(5);
        Assert.That(cluster[2].Node.Committed, Is.EqualTo(4UL), "it holds everything committed...");
        Assert.That(cluster[2].Node.Status.RecoveryReason, Is.EqualTo(RecoveryReason.HardStateLost), "...but waits for node 3's term");

        cluster.Heal();
        cluster.Tick(2);

        Assert.That(cluster[2].Node.Status.Recovering, Is.False);
        Assert.That(cluster[2].Storage.HardState.Vote, Is.EqualTo(1UL), "counts as having voted in this term, for the leader it follows");
    }

    [Test]
    public void Node_BeginInRecovery_PersistsItInTheFirstReadyAndKeepsItAcrossRestart()
    {
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { BeginInRecovery = RecoveryReason.LogMayBeBehind }, logTerms: [1, 1]);

        peer.Process();
        peer.Restart(c => c with { BeginInRecovery = RecoveryReason.None });

        Assert.That(peer.Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.LogMayBeBehind));
        Assert.That(peer.Node.Status.Recovering, Is.True);
        Assert.That(peer.Node.Status.RecoveryReason, Is.EqualTo(RecoveryReason.LogMayBeBehind));
    }

    [TestCase(MessageType.Vote, MessageType.VoteResp)]
    [TestCase(MessageType.PreVote, MessageType.PreVoteResp)]
    public void RecoveringNode_VoteRequestFromUpToDateCandidate_Refuses(MessageType request, MessageType response)
    {
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { BeginInRecovery = RecoveryReason.LogMayBeBehind }, logTerms: [1, 1]);
        peer.Process();

        var sent = peer.StepAndCollect(new Message { Type = request, From = 2, To = 1, Term = 2, Index = 9, LogTerm = 1 });

        Assert.That(sent.Single().Type, Is.EqualTo(response));
        Assert.That(sent.Single().Reject, Is.True);
        Assert.That(sent.Single().Recovering, Is.True);
        Assert.That(peer.Storage.HardState.Vote, Is.EqualTo(0UL));
    }

    [Test]
    public void RecoveringNode_ElectionTimeoutsCampaignAndTimeoutNow_NeverCampaigns()
    {
        var peer = TestPeer.Create(1, ThreeVoters, c => c with { BeginInRecovery = RecoveryReason.LogMayBeBehind }, logTerms: [1, 1]);

        for (var i = 0; i < 10 * peer.Config.ElectionTicks; i++)
        {
            peer.Node.Tick();
        }

        peer.Node.Campaign();
        var sent = peer.StepAndCollect(new Message { Type = MessageType.TimeoutNow, From = 2, To = 1, Term = 1 });
        sent.AddRange(peer.Process());

        Assert.That(peer.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(peer.Node.Term, Is.EqualTo(1UL));
        Assert.That(sent.Where(m => m.Type is MessageType.Vote or MessageType.PreVote), Is.Empty);
    }

    [Test]
    public void RecoveringNode_LeavesRecoveryOnlyOnReachingItsTarget_InTheReadyThatPersistsTheEntries()
    {
        // Node 2 is known to have acknowledged (4, term 1) but holds only entries 1-2.
        var peer = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1], hardState: new HardState(1, 1, 2)
        {
            Recovery = RecoveryReason.AcknowledgedWatermark,
            RecoveryTarget = new LogPosition(4, 1),
        });
        var entry3 = new Entry(1, 3, EntryType.Normal, new byte[] { 3 });
        var entry4 = new Entry(1, 4, EntryType.Normal, new byte[] { 4 });

        var first = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 2, LogTerm = 1, Entries = new[] { entry3 }, Commit = 3 });
        Assert.That(peer.Node.Status.Recovering, Is.True, "it holds the leader's commit index, but (3, t1) is still behind (4, t1)");
        Assert.That(first.Single().Recovering, Is.True);

        var second = peer.StepAndCollect(new Message { Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 3, LogTerm = 1, Entries = new[] { entry4 }, Commit = 3 });

        Assert.That(peer.Node.Status.Recovering, Is.False);
        Assert.That(second.Single().Recovering, Is.False);
        var completing = peer.Readies[^1];
        Assert.That(completing.Entries.Select(e => e.Index), Is.EqualTo(new[] { 4UL }));
        Assert.That(completing.HardState?.Recovery, Is.EqualTo(RecoveryReason.None), "cleared in the same Ready as the entry that completed it");
        Assert.That(completing.MustSync, Is.True);
    }

    [Test]
    public void Voter_CandidateCarriesAWatermarkItsLogIsBehind_RefusesAndRecovers()
    {
        // Node 1 acknowledged (4, t1) but its storage rolled back to entries 1-2; candidate 2 knows.
        var voter = TestPeer.Create(1, ThreeVoters, logTerms: [1, 1], hardState: new HardState(1, 0, 2));

        var sent = voter.StepAndCollect(new Message
        {
            Type = MessageType.Vote, From = 2, To = 1, Term = 2, Index = 3, LogTerm = 1, AckedWatermark = new LogPosition(4, 1),
        });

        Assert.That(sent.Single().Reject, Is.True, "plain Raft would grant: (3, t1) is more up-to-date than (2, t1)");
        Assert.That(voter.Node.Status.RecoveryReason, Is.EqualTo(RecoveryReason.AcknowledgedWatermark));
        Assert.That(voter.Node.Status.RecoveryTarget, Is.EqualTo(new LogPosition(4, 1)));
        Assert.That(voter.Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None), "a candidate's claim binds while re-asserted; it is never persisted");
    }

    [Test]
    public void Voter_CandidateClaimsALogBehindWhatItAcknowledged_RefusesAndSaysWhat()
    {
        // Node 1 holds entries 1-2 and knows node 2 acknowledged (4, t1); node 2 now claims only (3, t1).
        var voter = TestPeer.Create(1, ThreeVoters, logTerms: [1, 1], hardState: new HardState(1, 0, 2)
        {
            Watermarks = AcknowledgedWatermarks.Of([new AcknowledgedWatermark(2, new LogPosition(4, 1))]),
        });

        var sent = voter.StepAndCollect(new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 2, Index = 3, LogTerm = 1 });

        Assert.That(sent.Single().Reject, Is.True);
        Assert.That(sent.Single().AckedWatermark, Is.EqualTo(new LogPosition(4, 1)));
        Assert.That(voter.Node.Status.Recovering, Is.False, "the voter itself lost nothing");
    }

    [Test]
    public void Candidate_RefusedWithAWatermarkItsLogIsBehind_StepsDownAndRecovers()
    {
        var candidate = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 0, 2));
        candidate.Node.Campaign();
        candidate.Process();

        candidate.StepAndCollect(new Message { Type = MessageType.VoteResp, From = 1, To = 2, Term = 2, Reject = true, AckedWatermark = new LogPosition(4, 1) });

        Assert.That(candidate.Node.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(candidate.Node.Status.RecoveryTarget, Is.EqualTo(new LogPosition(4, 1)));
    }

    [Test]
    public void Follower_TruncatedByNewerTermLeader_DoesNotRecover()
    {
        // Node 2 acknowledged (3, t1); a leader of term 3 legitimately replaces entry 3 with its own of term 3.
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(2, 0, 2));
        var watermarks = AcknowledgedWatermarks.Of([new AcknowledgedWatermark(2, new LogPosition(3, 1))]);

        var sent = follower.StepAndCollect(new Message
        {
            Type = MessageType.App, From = 3, To = 2, Term = 3, Index = 2, LogTerm = 1, Commit = 2,
            Entries = new[] { new Entry(3, 3, EntryType.Normal, new byte[] { 9 }) },
            Watermarks = watermarks,
        });

        Assert.That(sent.Single().Reject, Is.False);
        Assert.That(follower.Storage.Term(3), Is.EqualTo(3UL), "truncated and replaced");
        Assert.That(follower.Node.Status.Recovering, Is.False, "(3, t3) is more up-to-date than (3, t1): nothing was forgotten");
    }

    [Test]
    public void Leader_RecoveringFollower_IsNeverChosenForLeaderTransfer()
    {
        var cluster = CommittedCluster();
        cluster[2].Restart(c => c with { Incarnation = 2, BeginInRecovery = RecoveryReason.HardStateLost });
        cluster.Isolate(3);
        cluster.Tick(2);

        cluster[1].Node.TransferLeadership(2);
        cluster.Stabilize();

        Assert.That(cluster[1].Node.Status.LeadTransferee, Is.EqualTo(0UL));
        Assert.That(cluster.Delivered.Any(m => m.Type == MessageType.TimeoutNow), Is.False);
    }
}
