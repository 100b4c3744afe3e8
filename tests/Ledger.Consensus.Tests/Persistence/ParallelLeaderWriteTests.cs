using Ledger.Consensus.Tests.Support;

namespace Ledger.Consensus.Tests.Persistence;

/// <summary>
/// Dissertation §10.2.1: the leader may write its log to disk in parallel with replicating it, provided it
/// counts itself toward a commit quorum only once its own write is durable.
/// </summary>
public sealed class ParallelLeaderWriteTests
{
    [Test]
    public void LeaderAppends_MayLeaveBeforePersistence_WhileTheEntriesAreStillInTheReady()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var leader = cluster[1].Node;

        leader.Propose("x"u8.ToArray());
        var ready = leader.GetReady();

        Assert.That(ready.Entries.Count, Is.EqualTo(1));
        Assert.That(ready.MessagesBeforePersist.Select(m => (m.Type, m.To)), Is.EquivalentTo(new[] { (MessageType.App, 2UL), (MessageType.App, 3UL) }));
        Assert.That(ready.MessagesBeforePersist.All(m => m.Entries.Count == 1), Is.True);
        Assert.That(ready.MessagesAfterPersist, Is.Empty);
    }

    [Test]
    public void Leader_DoesNotCountItselfTowardCommit_UntilItsEntriesAreDurable()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var leader = cluster[1].Node;
        leader.Propose("x"u8.ToArray());
        var ready = leader.GetReady();
        var index = ready.Entries[^1].Index;
        var append = ready.MessagesBeforePersist.Single(m => m.To == 2);

        // Follower 2 stores and acknowledges while the leader's own write is still in progress.
        var acks = cluster[2].StepAndCollect(append.Detach());
        leader.Step(acks.Single(m => m.Type == MessageType.AppResp));

        Assert.That(leader.Committed, Is.LessThan(index), "one durable copy of three is not a quorum");

        cluster[1].Storage.Append(ready.Entries);
        leader.Advance(ready);

        Assert.That(leader.Committed, Is.EqualTo(index), "the leader's durable copy completes the quorum");
    }

    [Test]
    public void Leader_CommitsOnAQuorumOfFollowers_BeforeItsOwnWriteCompletes()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var leader = cluster[1].Node;
        leader.Propose("x"u8.ToArray());
        var ready = leader.GetReady();
        var index = ready.Entries[^1].Index;

        foreach (var append in ready.MessagesBeforePersist)
        {
            var acks = cluster[append.To].StepAndCollect(append.Detach());
            leader.Step(acks.Single(m => m.Type == MessageType.AppResp));
        }

        Assert.That(leader.Committed, Is.EqualTo(index));
    }

    [Test]
    public void CommitIndexSentWhileTheLeaderWrites_NeverExceedsWhatAQuorumHoldsDurably()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        var leader = cluster[1].Node;
        leader.Propose("x"u8.ToArray());
        var first = leader.GetReady();
        var index = first.Entries[^1].Index;
        var acks = cluster[2].StepAndCollect(first.MessagesBeforePersist.Single(m => m.To == 2).Detach());
        leader.Step(acks.Single(m => m.Type == MessageType.AppResp));

        // Heartbeats produced while the leader's own write of x is in flight: only follower 2 holds x durably.
        leader.Tick();
        cluster[1].Storage.Append(first.Entries);
        leader.Advance(first);
        var second = leader.GetReady();

        var heartbeats = second.MessagesBeforePersist.Where(m => m.Type == MessageType.Heartbeat).ToList();
        Assert.That(heartbeats, Has.Count.EqualTo(2));
        Assert.That(heartbeats.All(m => m.Commit < index), Is.True);
        Assert.That(leader.Committed, Is.EqualTo(index));
    }

    [Test]
    public void SingleVoter_CommitsItsEntry_OnlyAtTheAdvanceThatPersistsIt()
    {
        var peer = TestPeer.Create(1, [1]);
        peer.Node.Campaign();
        peer.Process();
        peer.Node.Propose("x"u8.ToArray());

        var ready = peer.Node.GetReady();
        var index = ready.Entries[^1].Index;

        Assert.That(ready.CommittedEntries.Any(e => e.Index == index), Is.False);
        Assert.That(peer.Node.Committed, Is.LessThan(index));
        peer.Storage.Append(ready.Entries);
        peer.Node.Advance(ready);
        Assert.That(peer.Node.Committed, Is.EqualTo(index));
    }

    [Test]
    public void NoMessageLeavesEarly_WhenTheReadyRecordsANewTermOrVote()
    {
        // A lone voter wins its election inside one Ready: its appends to a learner carry a term it has not
        // yet recorded, so they must wait for the write (or a restart could reuse the term for other entries).
        var peer = TestPeer.Create(1, [1], learners: [2]);
        peer.Node.Campaign();

        var ready = peer.Node.GetReady();

        Assert.That(ready.HardState?.Term, Is.EqualTo(1UL));
        Assert.That(ready.MessagesBeforePersist, Is.Empty);
        Assert.That(ready.MessagesAfterPersist.Any(m => m.Type == MessageType.App && m.To == 2), Is.True);
    }

    [Test]
    public void VotesAndAcknowledgements_AlwaysWaitForPersistence()
    {
        var follower = TestPeer.Create(2, [1, 2, 3]);
        follower.Node.Step(new Message
        {
            Type = MessageType.App, From = 1, To = 2, Term = 1, Index = 0, LogTerm = 0,
            Entries = [new Entry(1, 1, EntryType.Normal, new byte[] { 1 })],
        });
        var appendReady = follower.Node.GetReady();
        Assert.That(appendReady.MessagesBeforePersist, Is.Empty);
        Assert.That(appendReady.MessagesAfterPersist.Single().Type, Is.EqualTo(MessageType.AppResp));
        follower.Node.Advance(appendReady);

        follower.Node.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = 2, Index = 1, LogTerm = 1 });
        var voteReady = follower.Node.GetReady();
        Assert.That(voteReady.MessagesBeforePersist, Is.Empty);
        Assert.That(voteReady.MessagesAfterPersist.Single().Type, Is.EqualTo(MessageType.VoteResp));
    }

    [Test]
    public void LeaderCrashBeforeItsWrite_LosesOnlyUncommittedEntries_AndTheClusterAgreesAgain()
    {
        var cluster = TestCluster.Create(3);
        cluster.Elect(1);
        cluster.Propose(1, "kept");
        cluster.Stabilize();
        cluster[1].Node.Propose("sent-then-lost"u8.ToArray());
        var ready = cluster[1].Node.GetReady();
        var lostIndex = ready.Entries[^1].Index;
        foreach (var append in ready.MessagesBeforePersist)
        {
            cluster[append.To].StepAndCollect(append.Detach());
        }

        // The leader crashes before writing; its followers hold the entry, the leader's disk does not.
        cluster[1].Restart();
        Assert.That(cluster[1].Storage.LastIndex(), Is.LessThan(lostIndex));
        cluster.Elect(2);
        cluster.Propose(2, "after");
        cluster.Stabilize();

        var states = cluster.Peers.Select(p => string.Join(",", p.State)).Distinct().ToList();
        Assert.That(states, Has.Count.EqualTo(1), "every node applied the same history");
        Assert.That(cluster[1].State, Does.Contain("kept"));
        Assert.That(cluster[1].State, Does.Contain("sent-then-lost"), "a quorum of followers stored it, so the new leader committed it");
    }
}
