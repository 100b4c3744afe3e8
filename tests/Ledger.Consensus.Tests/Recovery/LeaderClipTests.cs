using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Recovery;

/// <summary>
/// A legitimate leader's log holds every committed entry (Leader Completeness) and every entry it ever sent (a leader
/// never truncates), so every watermark it can honestly hold is at most its own last position, which it gossips as its
/// own entry. A follower clips what it merges, what peers claim and its recovery target to that position: a forged claim
/// left behind by a hostile peer is cleared by the next honest leader, and no committed entry is ever dropped.
/// </summary>
public sealed class LeaderClipTests
{
    private static readonly ulong[] ThreeVoters = [1, 2, 3];

    /// <summary>A heartbeat of leader 1 whose log ends at <paramref name="leaderLast"/>.</summary>
    private static Message Heartbeat(ulong term, LogPosition leaderLast, params AcknowledgedWatermark[] watermarks) => new()
    {
        Type = MessageType.Heartbeat, From = 1, To = 2, Term = term, Index = leaderLast.Index, LogTerm = leaderLast.Term,
        Watermarks = AcknowledgedWatermarks.Of(watermarks),
    };

    [Test]
    public void Follower_PersistedForgedTarget_IsLeftOnceAnHonestLeadersEntriesArrive()
    {
        // Arrange: node 2 restarts with a target a hostile leader of term 1 left on its disk.
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1], hardState: new HardState(2, 1, 2)
        {
            Recovery = RecoveryReason.AcknowledgedWatermark,
            RecoveryTarget = new LogPosition(1UL << 62, 1),
        });
        Assert.That(follower.Node.Status.Recovering, Is.True, "setup");

        // Act: the honest leader of term 2 appends its first entry.
        var sent = follower.StepAndCollect(new Message
        {
            Type = MessageType.App, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 1, Commit = 3,
            Entries = new[] { new Entry(2, 3, EntryType.Normal, new byte[] { 3 }) },
        });

        // Assert: (3, t2) is more up-to-date than any position of term 1.
        Assert.That(follower.Node.Status.Recovering, Is.False);
        Assert.That(sent.Single().Recovering, Is.False);
        Assert.That(follower.Storage.HardState.Recovery, Is.EqualTo(RecoveryReason.None));
    }

    [Test]
    public void Follower_ClaimOfATermBeyondTheLeaders_IsClippedToTheLeadersLastPositionAndLeftOnReachingIt()
    {
        // Arrange: a forger's pre-vote for term 7 told node 2 (term 1) it acknowledged (2^62, t6).
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1], hardState: new HardState(1, 1, 2));
        follower.StepAndCollect(new Message { Type = MessageType.PreVote, From = 3, To = 2, Term = 7, Index = 2, LogTerm = 1, AckedWatermark = new LogPosition(1UL << 62, 6) });
        Assert.That(follower.Node.Status.RecoveryTarget, Is.EqualTo(new LogPosition(1UL << 62, 6)), "setup");

        // Act: the honest leader of term 2, whose log ends at (3, t2), sends a heartbeat.
        follower.StepAndCollect(Heartbeat(2, new LogPosition(3, 2)));

        // Assert
        Assert.That(follower.Node.Status.RecoveryTarget, Is.EqualTo(new LogPosition(3, 2)), "clipped to the leader's last position");
        follower.StepAndCollect(new Message
        {
            Type = MessageType.App, From = 1, To = 2, Term = 2, Index = 2, LogTerm = 1, Commit = 3,
            Entries = new[] { new Entry(2, 3, EntryType.Normal, new byte[] { 3 }) },
        });
        Assert.That(follower.Node.Status.Recovering, Is.False);
    }

    [Test]
    public void Follower_GossipedWatermarkBeyondTheLeadersOwn_IsMergedClipped()
    {
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1, 1], hardState: new HardState(1, 1, 3));

        follower.StepAndCollect(Heartbeat(1, new LogPosition(3, 1), new AcknowledgedWatermark(3, new LogPosition(1UL << 62, 1))));

        Assert.That(follower.Storage.HardState.Watermarks.For(3), Is.EqualTo(new LogPosition(3, 1)));
    }

    [Test]
    public void Follower_HeartbeatNamingNoLeaderPosition_MergesNothingAndClaimsNothing()
    {
        var follower = TestPeer.Create(2, ThreeVoters, logTerms: [1, 1], hardState: new HardState(1, 1, 2));

        follower.StepAndCollect(Heartbeat(1, LogPosition.None, new AcknowledgedWatermark(2, new LogPosition(9, 1)), new AcknowledgedWatermark(3, new LogPosition(9, 1))));

        Assert.That(follower.Node.Status.Recovering, Is.False, "a leader that shows no position of its own vouches for nothing");
        Assert.That(follower.Storage.HardState.Watermarks.For(3), Is.EqualTo(LogPosition.None));
    }

    [Test]
    public void Follower_OldAckCommittedAfterItsRestart_ClipKeepsTheCommittedEntryInItsTarget()
    {
        // Arrange: node 1 leads term 1 with entries 1-4 committed; node 3 is cut off.
        var cluster = TestCluster.Create(3, c => c with { Incarnation = 1 });
        cluster.Elect(1);
        foreach (var text in new[] { "a", "b", "c" })
        {
            cluster.Propose(1, text);
        }

        cluster.Stabilize();
        cluster.Isolate(3);
        var leader = cluster[1];
        var follower = cluster[2];

        // Node 2 receives and acknowledges entry 5; its acknowledgement is still in flight when its disk rolls back.
        cluster.Propose(1, "e");
        foreach (var append in cluster.Take(m => m.Type == MessageType.App && m.To == 2))
        {
            cluster.Deliver(append);
        }

        var oldAcks = cluster.Take(m => m.Type == MessageType.AppResp && m.From == 2);
        Assert.That(oldAcks.Any(m => m.Index == 5), "setup: node 2 acknowledged entry 5");
        follower.RestartRolledBack(keepLastIndex: 4, new HardState(1, 1, 4), c => c with { Incarnation = 2 });

        // Act: the old acknowledgement commits entry 5 after the restart, then the leader gossips.
        foreach (var ack in oldAcks)
        {
            cluster.Deliver(ack);
        }

        cluster.CollectReadies();
        Assert.That(leader.Node.Committed, Is.EqualTo(5UL), "setup: committed by the leader and node 2's old acknowledgement");
        cluster.Take(m => m.Type == MessageType.App && m.To == 2);
        cluster.TickOne(1, 1);
        foreach (var heartbeat in cluster.Take(m => m.Type == MessageType.Heartbeat && m.To == 2))
        {
            Assert.That(new LogPosition(heartbeat.Index, heartbeat.LogTerm), Is.EqualTo(new LogPosition(5, 1)), "the heartbeat names the leader's last position");
            cluster.Deliver(heartbeat);
        }

        // Assert: the clip left the committed entry in node 2's target, so it keeps refusing a candidate without it.
        Assert.That(follower.Node.Status.RecoveryTarget, Is.EqualTo(new LogPosition(5, 1)));
        var answer = follower.StepAndCollect(new Message { Type = MessageType.PreVote, From = 3, To = 2, Term = 2, Index = 4, LogTerm = 1 });
        Assert.That(answer.Single(m => m.Type == MessageType.PreVoteResp).Reject, Is.True, "node 3 lacks the committed entry 5");

        cluster.Tick(3);
        Assert.That(leader.Node.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(follower.Storage.Term(5), Is.EqualTo(1UL), "caught up to the committed entry");
        Assert.That(follower.Node.Status.Recovering, Is.False);
    }
}
